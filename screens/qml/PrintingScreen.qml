import QtQuick

// While the ticket prints: nothing to press, just a calm "please wait". If the printer stops
// part-way (paper out, cover opened), say so, promise the same number whole, and offer a way out.
Item {
    id: page
    objectName: "printingScreen"
    readonly property bool interrupted: vm.printProblem !== ""
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
            text: page.interrupted ? qsTr("号票没有打完，请稍候") : qsTr("正在打印，请稍候")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            width: parent.width
            visible: !page.interrupted
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("号票会从下方出票口出来")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
        Banner {
            objectName: "printProblem"
            visible: page.interrupted
            width: Math.min(parent.width, 1100)
            anchors.horizontalCenter: parent.horizontalCenter
            text: vm.printProblem
        }
        BigButton {
            objectName: "stopWaitingButton"
            visible: page.interrupted
            primary: false
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, 700)
            text: qsTr("不等了，返回首页")
            onClicked: vm.goHome()
        }
    }
}
