import QtQuick

// When no ticket could be issued: the reason in a friendly sentence and one way out.
Item {
    objectName: "messageScreen"
    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 1100)
        spacing: 2 * Theme.margin
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("很抱歉，这次没能取到号")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Banner {
            objectName: "errorMessage"
            width: parent.width
            text: vm.message
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("需要帮助的话，请到咨询台，工作人员会帮您。")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
        BigButton {
            objectName: "walkInButton"
            visible: vm.walkInItem !== ""
            enabled: vm.ticketAvailable
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, 700)
            text: qsTr("改为现场取号")
            onClicked: vm.walkIn()
        }
        BigButton {
            objectName: "messageHomeButton"
            primary: vm.walkInItem === ""
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, 700)
            text: qsTr("返回首页")
            onClicked: vm.goHome()
        }
    }
}
