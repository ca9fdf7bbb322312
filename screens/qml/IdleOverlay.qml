import QtQuick

// The last seconds before an unattended kiosk goes back home. Any touch keeps the citizen
// where they are: the press is seen by the Python idle watcher, and this overlay swallows the
// click so it cannot also press a button underneath by surprise.
Rectangle {
    id: overlay
    objectName: "idleCountdown"
    visible: vm.idle.warning
    color: "#99000000"

    MouseArea { anchors.fill: parent }

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        height: column.implicitHeight + 2 * Theme.margin
        radius: Theme.radius
        color: Theme.surface
        Column {
            id: column
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.margin
            spacing: Theme.spacing
            Text {
                objectName: "idleCountdownText"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("还有 %1 秒返回首页").arg(vm.idle.remaining)
                color: Theme.text
                font.pixelSize: Theme.fontTitle
                font.bold: true
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("点击屏幕继续")
                color: Theme.accent
                font.pixelSize: Theme.fontLarge
            }
        }
    }
}
