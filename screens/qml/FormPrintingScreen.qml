import QtQuick

// While the form prints: a calm "please wait" and where it will come out.
Item {
    objectName: "formPrintingScreen"
    Column {
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.margin
        spacing: 2 * Theme.margin
        Spinner { anchors.horizontalCenter: parent.horizontalCenter }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("正在打印表格，请稍候")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("表格会从右侧的打印机出来")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
    }
}
