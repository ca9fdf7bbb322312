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
        anchors.right: controls.left
        anchors.rightMargin: Theme.spacing
        anchors.verticalCenter: parent.verticalCenter
        text: vm.hallName
        color: Theme.textOnAccent
        // (not scaled in 长辈模式: the bar's buttons need the room more than the hall's name)
        font.pixelSize: vm.english ? Theme.fontSmall : Theme.elder ? 40 : Theme.fontBody
        font.bold: true
        wrapMode: Text.Wrap
        maximumLineCount: 2
        elide: Text.ElideRight
        // The tap target is the whole left part of the bar, not just the glyphs.
        MouseArea {
            objectName: "hallNameTapArea"
            anchors.fill: parent
            anchors.leftMargin: -20; anchors.rightMargin: -20
            anchors.topMargin: -10; anchors.bottomMargin: -10      // (two lines of name fill the bar)
            onClicked: vm.tech.hallNameTapped()
        }
    }

    // The clock and the buttons, right to left; a Row skips whatever is hidden.
    Row {
        id: controls
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        spacing: Theme.spacing

        Text {
            id: clock
            objectName: "topClock"
            anchors.verticalCenter: parent.verticalCenter
            // home shows the time large already; 长辈模式 needs the room for its big buttons
            visible: vm.screen !== "home" && !vm.elder.on
            color: Theme.textOnAccent
            font.pixelSize: Theme.fontBody
            text: Qt.formatTime(now, "HH:mm")
            property date now: new Date(Date.now() + vm.hallClockOffsetMs)
            Timer { interval: 1000; running: true; repeat: true; onTriggered: clock.now = new Date(Date.now() + vm.hallClockOffsetMs) }
        }

        // 长辈模式: offered on the home screen; once on, its way back (标准模式) is on every screen.
        Rectangle {
            id: elderButton
            objectName: "elderButton"
            visible: !vm.english && (vm.elder.on || vm.screen === "home")
            anchors.verticalCenter: parent.verticalCenter
            width: Math.max(200, elderLabel.implicitWidth + 2 * Theme.spacing)
            height: Math.min(Theme.touchMin, bar.height - 16)
            radius: Theme.radius
            color: elderTouch.pressed ? Theme.accentSoft : Theme.surface
            Text {
                id: elderLabel
                anchors.centerIn: parent
                text: vm.elder.on ? qsTr("标准模式") : qsTr("长辈模式")
                color: Theme.accent
                font.pixelSize: Theme.fontBody
                font.bold: true
            }
            MouseArea { id: elderTouch; anchors.fill: parent; onClicked: vm.elder.toggle() }
        }

        // 读给我听: the screen's request said aloud (in Mandarin), for a citizen who cannot read it.
        Rectangle {
            id: readAloudButton
            objectName: "readAloudButton"
            visible: vm.canReadAloud && !vm.english      // the voice speaks Mandarin
            anchors.verticalCenter: parent.verticalCenter
            width: Math.max(220, readAloudLabel.implicitWidth + 2 * Theme.spacing)
            height: Math.min(Theme.touchMin, bar.height - 16)
            radius: Theme.radius
            color: readAloudTouch.pressed ? Theme.accentSoft : Theme.surface
            Text {
                id: readAloudLabel
                anchors.centerIn: parent
                text: qsTr("读给我听")
                color: Theme.accent
                font.pixelSize: Theme.fontBody
                font.bold: true
            }
            MouseArea { id: readAloudTouch; anchors.fill: parent; onClicked: vm.readAloud() }
        }

        // (hidden in 长辈模式, whose big buttons need the room: 标准模式 first, then English)
        Rectangle {
            id: languageButton
            objectName: "languageButton"
            visible: !vm.elder.on
            anchors.verticalCenter: parent.verticalCenter
            width: Math.max(220, languageLabel.implicitWidth + 2 * Theme.spacing)
            height: Math.min(Theme.touchMin, bar.height - 16)
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
}
