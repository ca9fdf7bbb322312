import QtQuick

// While the ticket prints: nothing to press, just a calm "please wait".
Item {
    objectName: "printingScreen"
    Column {
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.margin
        spacing: 2 * Theme.margin
        Spinner { anchors.horizontalCenter: parent.horizontalCenter }
        Text {
            objectName: "printingText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("正在打印，请稍候")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("号票会从下方出票口出来")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
    }
}
