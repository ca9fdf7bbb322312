import QtQuick

// The evaluation is stored (and on its way to the province): thank the citizen.
Item {
    objectName: "evaluatedScreen"
    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 1000)
        spacing: 2 * Theme.margin
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("谢谢您的评价")
            color: Theme.accent
            font.pixelSize: Theme.fontTitle + 16
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("您的意见我们都会认真看，祝您办事顺利。")
            color: Theme.text
            font.pixelSize: Theme.fontLarge
        }
        BigButton {
            objectName: "evaluatedHomeButton"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, 700)
            text: qsTr("返回首页")
            onClicked: vm.goHome()
        }
    }
}
