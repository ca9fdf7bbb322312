import QtQuick

// While the locker opens: a calm "please wait".
Item {
    objectName: "pickupOpeningScreen"
    Column {
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.margin
        spacing: 2 * Theme.margin
        Spinner { anchors.horizontalCenter: parent.horizontalCenter }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("正在为您打开柜门，请稍候")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
    }
}
