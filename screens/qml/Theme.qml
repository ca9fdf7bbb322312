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
    readonly property color textOnDisabled: "#5E6673"

    // Problems are said calmly: warm amber, never alarm red, for anything a citizen sees.
    readonly property color noticeBackground: "#FFF5E1"
    readonly property color noticeLine: "#E2A23B"
    readonly property color noticeText: "#5C3B00"

    // Device states on the technician screen.
    readonly property color stateOk: "#2E7D32"
    readonly property color stateWarning: "#B26A00"
    readonly property color stateFault: "#C62828"
    readonly property color stateAbsent: "#6B7280"

    readonly property int fontSmall: 32
    readonly property int fontBody: 40
    readonly property int fontLarge: 52
    readonly property int fontTitle: 64
    readonly property int fontHuge: 110
    readonly property int fontNumber: 240

    readonly property int touchMin: 120
    readonly property int radius: 24
    readonly property int margin: 48
    readonly property int spacing: 32
    readonly property int topBarHeight: 150
    readonly property int navBarHeight: 180
}
