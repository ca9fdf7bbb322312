import QtQuick

// The bottom bar of every inner screen: "back one step" and "start again from home".
Rectangle {
    id: bar
    property bool showBack: true
    signal backClicked()
    signal homeClicked()

    height: Theme.navBarHeight
    color: Theme.surface
    Rectangle { anchors.top: parent.top; width: parent.width; height: 2; color: Theme.line }

    Row {
        anchors.centerIn: parent
        spacing: Theme.spacing
        BigButton {
            objectName: "backButton"
            visible: bar.showBack
            width: Math.min(440, (bar.width - 3 * Theme.spacing) / 2)
            primary: false
            text: qsTr("上一步")
            onClicked: bar.backClicked()
        }
        BigButton {
            objectName: "homeButton"
            width: Math.min(440, (bar.width - 3 * Theme.spacing) / 2)
            primary: false
            text: qsTr("返回首页")
            onClicked: bar.homeClicked()
        }
    }
}
