import QtQuick

// The form is printed: where to collect it, and what to do with it.
Item {
    objectName: "formDoneScreen"
    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 1100)
        spacing: 2 * Theme.margin
        Text {
            objectName: "formDoneText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("表格打好了")
            color: Theme.accent
            font.pixelSize: Theme.fontTitle + 16
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("请到右侧打印机取表，在签名处签字")
            color: Theme.text
            font.pixelSize: Theme.fontLarge
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("签好字后，拿着表格和身份证到窗口办理。")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
        BigButton {
            objectName: "formDoneEvaluate"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, 700)
            primary: false
            text: qsTr("为这次服务评价")
            onClicked: vm.evaluation.open()
        }
        BigButton {
            objectName: "formDoneHomeButton"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, 700)
            text: qsTr("返回首页")
            onClicked: vm.goHome()
        }
    }
}
