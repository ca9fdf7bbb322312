import QtQuick
import QtQuick.Window

// The kiosk window: frameless and full screen, it refuses to close unless the technician
// chose "close the app". One screen is alive at a time (a Loader), which keeps start-up light.
Window {
    id: root
    objectName: "kioskWindow"
    flags: Qt.Window | Qt.FramelessWindowHint
    color: Theme.background
    title: "Hall kiosk"
    readonly property bool portrait: height >= width

    onClosing: (close) => { close.accepted = vm.mayClose }

    // 长辈模式 scales the whole theme (screens/elder.py).
    Binding { target: Theme; property: "elder"; value: vm.elder.on }

    TopBar {
        id: topBar
        anchors.top: parent.top
        width: parent.width
    }

    GreetingStrip {
        id: greeting
        anchors.top: topBar.bottom
        width: parent.width
    }

    Loader {
        id: screen
        objectName: "screenLoader"
        anchors.top: greeting.bottom
        anchors.bottom: parent.bottom
        width: parent.width
        focus: true
        source: vm.screenFile       // screens/registry.py: every screen, registered once
    }

    CardErrorToast {
        anchors.top: greeting.bottom
        anchors.topMargin: Theme.spacing
        anchors.horizontalCenter: parent.horizontalCenter
    }

    HelpOverlay { anchors.fill: parent }
    IdleOverlay { anchors.fill: parent }
}
