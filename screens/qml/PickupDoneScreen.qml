import QtQuick

// The door is closed again: thank you.
Item {
    objectName: "pickupDoneScreen"
    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 1000)
        spacing: 2 * Theme.margin
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("取件完成，谢谢您")
            color: Theme.accent
            font.pixelSize: Theme.fontTitle + 16
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("请带好您的材料和证件。")
            color: Theme.text
            font.pixelSize: Theme.fontLarge
        }
        // A document the item sensor still saw inside after the second opening: staff take over.
        Banner {
            objectName: "pickupDoneNotice"
            width: parent.width
            visible: vm.pickupNotice !== ""
            text: vm.pickupNotice
        }
        BigButton {
            objectName: "pickupDoneEvaluate"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, 700)
            primary: false
            text: qsTr("为这次服务评价")
            onClicked: vm.evaluation.open()
        }
        BigButton {
            objectName: "pickupDoneHomeButton"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, 700)
            text: qsTr("返回首页")
            onClicked: vm.goHome()
        }
    }
}
