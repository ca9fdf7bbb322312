import QtQuick

// One device on the technician screen: its state, name, reason and details, and for a card
// reader the test-read button with the (masked) answer underneath.
Rectangle {
    id: row
    required property var health          // a screens.health_view.health_row()
    required property var tech            // vm.tech
    objectName: "deviceRow_" + health.role
    readonly property bool isReader: tech.readerRoles.indexOf(health.role) >= 0

    function stateColor(state) {
        return state === "ok" ? Theme.stateOk : state === "warning" ? Theme.stateWarning
             : state === "fault" ? Theme.stateFault : Theme.stateAbsent
    }
    function stateLabel(state) {
        return state === "ok" ? qsTr("正常") : state === "warning" ? qsTr("注意")
             : state === "fault" ? qsTr("故障") : qsTr("未连接")
    }

    height: info.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.surface
    border.color: stateColor(health.state)
    border.width: 4

    Column {
        id: info
        x: Theme.spacing; y: Theme.spacing
        width: parent.width - 2 * Theme.spacing
        spacing: 10
        // State, name, and for a card reader the test-read button on the right.
        Item {
            width: parent.width
            height: Math.max(stateChip.height, deviceName.implicitHeight, testRead.visible ? testRead.height : 0,
                             interactive.visible ? interactive.height : 0)
            Rectangle {
                id: stateChip
                objectName: "deviceState"
                anchors.verticalCenter: parent.verticalCenter
                readonly property string text: row.stateLabel(row.health.state)
                width: stateText.implicitWidth + 40; height: stateText.implicitHeight + 12
                radius: height / 2
                color: row.stateColor(row.health.state)
                Text { id: stateText; anchors.centerIn: parent; text: parent.text; color: "white"
                       font.pixelSize: Theme.fontBody; font.bold: true }
            }
            Text {
                id: deviceName
                anchors.left: stateChip.right
                anchors.leftMargin: Theme.spacing
                anchors.right: testRead.visible ? testRead.left : interactive.visible ? interactive.left : parent.right
                anchors.rightMargin: testRead.visible || interactive.visible ? Theme.spacing : 0
                anchors.verticalCenter: parent.verticalCenter
                text: row.health.name
                wrapMode: Text.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontSmall
            }
            // Card readers: read the card now and see what the kiosk sees (masked).
            BigButton {
                id: testRead
                objectName: "testReadButton_" + row.health.role
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                visible: row.isReader
                width: 300
                enabled: row.tech.testReadState !== "waiting"
                text: qsTr("测试读卡")
                fontSize: Theme.fontBody
                onClicked: row.tech.testRead(row.health.role)
            }
            // The form printer's test page, a locker bank's test door (an empty cell only).
            BigButton {
                id: interactive
                objectName: "interactiveTestButton_" + row.health.role
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                visible: row.tech.interactiveRoles.indexOf(row.health.role) >= 0
                width: 300
                primary: false
                enabled: row.tech.interactiveRunning.indexOf(row.health.role) < 0
                text: qsTr("交互自检")
                fontSize: Theme.fontBody
                onClicked: row.tech.interactiveTest(row.health.role)
            }
        }
        Text {
            objectName: "interactiveResult"
            width: parent.width
            visible: text !== ""
            text: row.tech.interactiveResults[row.health.role] || ""
            wrapMode: Text.Wrap
            color: Theme.text
            font.pixelSize: Theme.fontSmall
        }
        Text {
            objectName: "deviceReason"
            width: parent.width
            visible: text !== ""
            text: row.health.reason
            wrapMode: Text.Wrap
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        // The details three to a line; long ones (SAM ID, last error) on a line of their own.
        Flow {
            id: detailFlow
            width: parent.width
            spacing: 10
            readonly property int columns: 3
            readonly property real cell: (width - (columns - 1) * spacing) / columns
            Repeater {
                model: row.health.details
                Text {
                    required property var modelData
                    objectName: "detail_" + modelData.key
                    width: modelData.wide ? detailFlow.width : detailFlow.cell
                    text: modelData.label + "：" + modelData.value
                    wrapMode: Text.WrapAnywhere
                    color: Theme.textSecondary
                    font.pixelSize: 28
                    font.family: "Noto Sans Mono CJK SC"
                }
            }
        }
        // Today's changes of this device: when it failed, how, when it came back.
        Text {
            objectName: "deviceHistory"
            width: parent.width
            visible: row.health.history !== ""
            text: qsTr("今日记录") + "\n" + row.health.history
            wrapMode: Text.Wrap
            color: Theme.textSecondary
            font.pixelSize: 28
        }
        Text {
            objectName: "testReadResult"
            width: parent.width
            visible: row.tech.testReadRole === row.health.role && text !== ""
            text: row.tech.testReadText
            wrapMode: Text.Wrap
            color: row.tech.testReadState === "failed" ? Theme.stateFault
                 : row.tech.testReadState === "waiting" ? Theme.accent : Theme.text
            font.pixelSize: Theme.fontSmall
            font.bold: row.tech.testReadState === "waiting"
        }
    }
}
