import QtQuick

// Under the top bar while a citizen is identified: "您好，张*国" (the masked name only), 优先 for
// 70+, and a reminder to take the card along. It folds away the moment the visit ends, and
// stays off the technician's screens (a test read identifies too, but nobody is greeted there).
Rectangle {
    id: strip
    readonly property var citizen: vm.citizen
    readonly property bool shown: citizen.identified && vm.screen !== "pin" && vm.screen !== "tech"
    height: shown ? Math.max(110, content.implicitHeight + 24) : 0
    visible: shown
    color: Theme.accentSoft
    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 2; color: Theme.line }

    Item {
        id: content
        x: Theme.margin
        width: parent.width - 2 * Theme.margin
        height: parent.height
        implicitHeight: Math.max(hello.implicitHeight, reminder.implicitHeight)

        Row {
            id: hello
            anchors.verticalCenter: parent.verticalCenter
            spacing: Theme.spacing
            Text {
                objectName: "identityGreeting"
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("您好，%1").arg(strip.citizen.name)
                color: Theme.accent
                font.pixelSize: Theme.fontLarge
                font.bold: true
            }
            Rectangle {
                objectName: "priorityBadge"
                visible: strip.citizen.priority
                anchors.verticalCenter: parent.verticalCenter
                readonly property string text: badge.text
                width: badge.implicitWidth + 48
                height: badge.implicitHeight + 12
                radius: height / 2
                color: Theme.accent
                Text {
                    id: badge
                    anchors.centerIn: parent
                    text: qsTr("优先")
                    color: Theme.textOnAccent
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                }
            }
        }

        Text {
            id: reminder
            objectName: "cardReminder"
            anchors.right: parent.right
            anchors.verticalCenter: parent.verticalCenter
            width: Math.min(implicitWidth, parent.width - hello.width - Theme.spacing)
            horizontalAlignment: Text.AlignRight
            text: strip.citizen.reminder
            color: Theme.textSecondary
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
            maximumLineCount: 2
        }
    }
}
