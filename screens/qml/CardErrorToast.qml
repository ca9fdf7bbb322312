import QtQuick

// A card could not be read: the reason in a calm amber note near the top, for a few seconds.
// It covers nothing the citizen must press next (the screens keep their buttons lower down),
// a tap on it closes it early, and it never stops the citizen from carrying on.
Rectangle {
    id: toast
    objectName: "cardErrorToast"
    readonly property string text: vm.citizen.cardError
    readonly property bool shown: text !== ""
    property string lastText        // still shown while fading out
    onTextChanged: if (text !== "") lastText = text
    visible: opacity > 0
    opacity: shown ? 1 : 0
    Behavior on opacity { NumberAnimation { duration: 250 } }

    width: Math.min(parent.width - 2 * Theme.margin, 1000)
    height: row.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.noticeBackground
    border.color: Theme.noticeLine
    border.width: 3

    Row {
        id: row
        x: Theme.spacing
        anchors.verticalCenter: parent.verticalCenter
        width: parent.width - 2 * Theme.spacing
        spacing: Theme.spacing
        // A round "i", not a warning sign: nothing is broken, the card just needs another try.
        Rectangle {
            anchors.verticalCenter: parent.verticalCenter
            width: 64; height: 64; radius: 32
            color: Theme.noticeLine
            Text { anchors.centerIn: parent; text: "i"; color: "white"; font.pixelSize: 44; font.bold: true }
        }
        Text {
            objectName: "cardErrorText"
            width: parent.width - 64 - parent.spacing
            anchors.verticalCenter: parent.verticalCenter
            text: toast.lastText
            color: Theme.noticeText
            font.pixelSize: Theme.fontBody
            wrapMode: Text.Wrap
            lineHeight: 1.15
        }
    }

    MouseArea { anchors.fill: parent; enabled: toast.shown; onClicked: vm.citizen.dismissCardError() }
}
