import QtQuick

// The door is open: its number, big, and where it is in the bank (lit); close it when done.
Item {
    id: page
    objectName: "pickupOpenScreen"
    readonly property var doors: vm.pickupDoors
    readonly property var open: page.doors.map(d => d.number)
    readonly property var stillInside: vm.pickupItemLeft          // closed with the document still inside
    readonly property var lit: page.open.concat(page.stillInside.map(d => d.number))

    Column {
        anchors.top: parent.top
        anchors.topMargin: Theme.margin
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 2 * Theme.margin, 1000)
        spacing: Theme.margin
        Text {
            objectName: "pickupDoorText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: page.open.length ? qsTr("请到 %1 号柜门取件").arg(page.open.join("、"))
                                   : qsTr("您的材料好像还在 %1 号柜里").arg(page.stillInside.map(d => d.number).join("、"))
            color: Theme.accent
            font.pixelSize: page.open.length ? Theme.fontTitle + 16 : Theme.fontTitle
            font.bold: true
        }
        // The bank as it stands in the hall: the open door lit.
        Grid {
            id: bank
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 8
            spacing: 6
            Repeater {
                model: vm.lockerCells
                Rectangle {
                    required property int index
                    readonly property bool lit: page.lit.indexOf(index + 1) >= 0
                    objectName: lit ? "litDoor_" + (index + 1) : ""
                    width: 100; height: 64
                    radius: 6
                    color: lit ? Theme.accent : Theme.surface
                    border.color: lit ? Theme.accent : Theme.line
                    border.width: 2
                    Text {
                        anchors.centerIn: parent
                        text: index + 1
                        color: parent.lit ? Theme.textOnAccent : Theme.textSecondary
                        font.pixelSize: Theme.fontSmall
                        font.bold: parent.lit
                    }
                }
            }
        }
        // The item sensor still sees the document after the door closed: open it once more.
        Repeater {
            model: page.stillInside
            BigButton {
                required property var modelData
                objectName: "reopenButton_" + modelData.number
                anchors.horizontalCenter: parent.horizontalCenter
                width: Math.min(parent.width, 800)
                text: qsTr("再开一次 %1 号柜门").arg(modelData.number)
                detail: qsTr("材料好像还没取出，请再看一下")
                onClicked: vm.reopenPickup(modelData.cell)
            }
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            visible: page.open.length > 0
            text: qsTr("取出材料后，请随手关好柜门")
            color: Theme.text
            font.pixelSize: Theme.fontLarge
        }
        // Still open after a while: a friendly reminder (the technician is told later, by the role).
        Banner {
            id: reminder
            objectName: "doorReminder"
            width: parent.width
            property bool due: false
            visible: due && page.open.length > 0
            text: qsTr("柜门还开着，请记得关好 %1 号柜门").arg(page.open.join("、"))
            Timer { interval: 45000; running: true; onTriggered: reminder.due = true }
        }
    }
}
