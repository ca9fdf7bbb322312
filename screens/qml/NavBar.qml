import QtQuick

// The bottom bar of every inner screen: "back one step" and "start again from home"; in 长辈模式
// also 请工作人员帮忙.
Rectangle {
    id: bar
    property bool showBack: true
    signal backClicked()
    signal homeClicked()

    readonly property int count: (showBack ? 1 : 0) + 1 + (Theme.elder ? 1 : 0)
    readonly property real room: width - (count + 1) * Theme.spacing
    readonly property real buttonWidth: Math.min(440, room / count)
    // 长辈模式: three buttons side by side, so their labels stay at the body size (56 px there)
    readonly property int labelSize: Theme.elder ? Theme.fontBody : Theme.fontLarge
    height: Theme.navBarHeight
    color: Theme.surface
    Rectangle { anchors.top: parent.top; width: parent.width; height: 2; color: Theme.line }

    Row {
        anchors.centerIn: parent
        spacing: Theme.spacing
        BigButton {
            objectName: "backButton"
            visible: bar.showBack
            width: bar.buttonWidth
            primary: false
            text: qsTr("上一步")
            fontSize: bar.labelSize
            onClicked: bar.backClicked()
        }
        BigButton {
            objectName: "homeButton"
            width: bar.buttonWidth
            primary: false
            text: qsTr("返回首页")
            fontSize: bar.labelSize
            onClicked: bar.homeClicked()
        }
        BigButton {
            objectName: "helpButton"
            visible: Theme.elder
            width: bar.buttonWidth
            primary: false
            text: qsTr("请工作人员帮忙")
            fontSize: Theme.fontSmall          // two lines of it, in the bar's height
            onClicked: vm.elder.askForHelp()
        }
    }
}
