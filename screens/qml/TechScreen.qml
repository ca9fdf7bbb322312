import QtQuick

// For the technician: every device with its state, reason and details; a test print; language;
// closing the app. Plain and dense on purpose, but still readable at arm's length.
Item {
    id: page
    objectName: "techScreen"
    readonly property var tech: vm.tech
    readonly property bool portrait: height > width

    function stateColor(state) {
        return state === "ok" ? Theme.stateOk : state === "warning" ? Theme.stateWarning
             : state === "fault" ? Theme.stateFault : Theme.stateAbsent
    }
    function stateLabel(state) {
        return state === "ok" ? qsTr("正常") : state === "warning" ? qsTr("注意")
             : state === "fault" ? qsTr("故障") : qsTr("未连接")
    }

    Text {
        id: title
        x: Theme.margin; y: Theme.spacing
        text: qsTr("设备状态")
        color: Theme.text
        font.pixelSize: Theme.fontTitle
        font.bold: true
    }

    ListView {
        id: devices
        objectName: "deviceList"
        anchors.top: title.bottom
        anchors.topMargin: Theme.spacing
        anchors.bottom: actions.top
        anchors.bottomMargin: Theme.spacing
        x: Theme.margin
        width: parent.width - 2 * Theme.margin
        clip: true
        spacing: Theme.spacing
        model: page.tech.health
        delegate: Rectangle {
            id: device
            required property var modelData
            objectName: "deviceRow_" + modelData.role
            width: devices.width
            height: info.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: page.stateColor(modelData.state)
            border.width: 4
            Column {
                id: info
                x: Theme.spacing; y: Theme.spacing
                width: parent.width - 2 * Theme.spacing
                spacing: 10
                Row {
                    spacing: Theme.spacing
                    Rectangle {
                        objectName: "deviceState"
                        readonly property string text: page.stateLabel(device.modelData.state)
                        width: stateText.implicitWidth + 40; height: stateText.implicitHeight + 12
                        radius: height / 2
                        color: page.stateColor(device.modelData.state)
                        Text { id: stateText; anchors.centerIn: parent; text: parent.text; color: "white"
                               font.pixelSize: Theme.fontBody; font.bold: true }
                    }
                    Text {
                        anchors.verticalCenter: parent.verticalCenter
                        text: device.modelData.name
                        width: info.width - 250
                        wrapMode: Text.Wrap
                        color: Theme.text
                        font.pixelSize: Theme.fontSmall
                    }
                }
                Text {
                    objectName: "deviceReason"
                    width: parent.width
                    visible: text !== ""
                    text: device.modelData.reason
                    wrapMode: Text.Wrap
                    color: Theme.text
                    font.pixelSize: Theme.fontBody
                }
                Text {
                    width: parent.width
                    text: device.modelData.details
                    wrapMode: Text.Wrap
                    color: Theme.textSecondary
                    font.pixelSize: 28
                    font.family: "Noto Sans Mono CJK SC"
                }
            }
        }
    }

    Column {
        id: actions
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.spacing
        x: Theme.margin
        width: parent.width - 2 * Theme.margin
        spacing: Theme.spacing

        Text {
            objectName: "testPrintResult"
            width: parent.width
            visible: text !== ""
            text: page.tech.testPrintState === "printing" ? qsTr("正在打印测试页…")
                : page.tech.testPrintState === "ok" ? qsTr("测试页已打印，请检查出票口")
                : page.tech.testPrintMessage
            wrapMode: Text.Wrap
            color: page.tech.testPrintState === "failed" ? Theme.stateFault : Theme.text
            font.pixelSize: Theme.fontBody
        }
        Grid {
            columns: page.portrait ? 2 : 4
            spacing: Theme.spacing
            readonly property real cell: (parent.width - (columns - 1) * spacing) / columns
            BigButton {
                objectName: "testPrintButton"
                width: parent.cell
                enabled: page.tech.testPrintState !== "printing"
                text: qsTr("打印测试页")
                fontSize: Theme.fontBody
                onClicked: page.tech.testPrint()
            }
            BigButton {
                objectName: "techLanguageButton"
                width: parent.cell
                primary: false
                text: vm.english ? "切换到中文" : "Switch to English"
                fontSize: Theme.fontBody
                onClicked: vm.toggleLanguage()
            }
            BigButton {
                objectName: "quitButton"
                width: parent.cell
                primary: false
                text: qsTr("退出程序")
                fontSize: Theme.fontBody
                onClicked: vm.closeApp()
            }
            BigButton {
                objectName: "techBackButton"
                width: parent.cell
                primary: false
                text: qsTr("返回首页")
                fontSize: Theme.fontBody
                onClicked: vm.goHome()
            }
        }
    }
}
