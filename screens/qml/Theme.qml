pragma Singleton
import QtQuick

// The calm government-hall look in one place: light surfaces, one deep blue accent, big type.
// Sizes are pixels on a 1080-wide portrait or 1920-wide landscape screen; the smallest text a
// citizen must read is 32 px and every touch target is at least 120 px tall.
QtObject {
    readonly property string fontFamily: "Noto Sans CJK SC"

    readonly property color background: "#F3F6FA"
    readonly property color surface: "#FFFFFF"
    readonly property color accent: "#1D4F91"
    readonly property color accentPressed: "#143A6B"
    readonly property color accentSoft: "#E4ECF7"
    readonly property color textOnAccent: "#FFFFFF"
    readonly property color text: "#1B1F24"
    readonly property color textSecondary: "#4A5361"
    readonly property color line: "#CED6E2"
    readonly property color disabled: "#C3CAD4"
    readonly property color textOnDisabled: "#3F4652"     // 5.8:1 on `disabled`: readable, as 长辈模式 asks (≥ 4.5:1)

    // Problems are said calmly: warm amber, never alarm red, for anything a citizen sees.
    readonly property color noticeBackground: "#FFF5E1"
    readonly property color noticeLine: "#E2A23B"
    readonly property color noticeText: "#5C3B00"

    // Device states on the technician screen.
    readonly property color stateOk: "#2E7D32"
    readonly property color stateWarning: "#B26A00"
    readonly property color stateFault: "#C62828"
    readonly property color stateAbsent: "#6B7280"

    // 长辈模式 (screens/elder.py, bound in Main.qml): text 1.4× and touch targets 1.5×, as the
    // national age-friendly rules ask (≥ 60 dp targets; ours are 180 px then).
    property bool elder: false
    readonly property real textScale: elder ? 1.4 : 1.0
    readonly property real targetScale: elder ? 1.5 : 1.0

    readonly property int fontSmall: Math.round(32 * textScale)
    readonly property int fontBody: Math.round(40 * textScale)
    readonly property int fontLarge: Math.round(52 * textScale)
    readonly property int fontTitle: Math.round(64 * textScale)
    readonly property int fontHuge: Math.round(110 * textScale)
    readonly property int fontNumber: 240          // the ticket number fills the screen already

    readonly property int touchMin: Math.round(120 * targetScale)
    readonly property int radius: 24
    readonly property int margin: 48
    readonly property int spacing: 32
    readonly property int topBarHeight: elder ? 200 : 150
    readonly property int navBarHeight: elder ? 200 : 180
}
