import QtQuick

// Always on top: the hall's name (five quick taps open the technician PIN pad), the time, and
// the language button, visible on every screen so a visitor can always switch.
Rectangle {
    id: bar
    height: Theme.topBarHeight
    color: Theme.accent

    Text {
        id: hallName
        objectName: "hallName"
        anchors.left: parent.left
        anchors.leftMargin: Theme.margin
        anchors.right: clock.left
        anchors.rightMargin: Theme.spacing
        anchors.verticalCenter: parent.verticalCenter
        text: vm.hallName
        color: Theme.textOnAccent
        font.pixelSize: vm.english ? Theme.fontSmall : Theme.fontBody
        font.bold: true
        wrapMode: Text.Wrap
        maximumLineCount: 2
        elide: Text.ElideRight
        // The tap target is the whole left part of the bar, not just the glyphs.
        MouseArea {
            objectName: "hallNameTapArea"
            anchors.fill: parent
            anchors.margins: -20
            onClicked: vm.tech.hallNameTapped()
        }
    }

    Text {
        id: clock
        objectName: "topClock"
        anchors.right: languageButton.left
        anchors.rightMargin: Theme.spacing
        anchors.verticalCenter: parent.verticalCenter
        visible: vm.screen !== "home"     // home shows the time large already
        color: Theme.textOnAccent
        font.pixelSize: Theme.fontBody
        text: Qt.formatTime(now, "HH:mm")
        property date now: new Date(Date.now() + vm.hallClockOffsetMs)
        Timer { interval: 1000; running: true; repeat: true; onTriggered: clock.now = new Date(Date.now() + vm.hallClockOffsetMs) }
    }

    Rectangle {
        id: languageButton
        objectName: "languageButton"
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        width: Math.max(220, languageLabel.implicitWidth + 2 * Theme.spacing)
        height: Theme.touchMin
        radius: Theme.radius
        color: languageTouch.pressed ? Theme.accentSoft : Theme.surface
        // Each language names itself, so a visitor recognises the way out of the other one.
        readonly property string text: vm.english ? "中文" : "English"
        Text {
            id: languageLabel
            anchors.centerIn: parent
            text: languageButton.text
            color: Theme.accent
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
        MouseArea { id: languageTouch; anchors.fill: parent; onClicked: vm.toggleLanguage() }
    }
}
