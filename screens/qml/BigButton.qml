import QtQuick

// A large, plain touch button: one bold label and an optional line of explanation.
Rectangle {
    id: button
    property string text
    property string detail
    property bool primary: true
    property int fontSize: Theme.fontLarge
    property int detailSize: Theme.fontSmall
    readonly property bool pressed: touch.pressed
    signal clicked()

    implicitWidth: Math.max(320, labels.implicitWidth + 2 * Theme.margin)
    implicitHeight: Math.max(Theme.touchMin, labels.implicitHeight + 48)
    radius: Theme.radius
    color: !enabled ? Theme.disabled
         : primary ? (pressed ? Theme.accentPressed : Theme.accent)
         : (pressed ? Theme.accentSoft : Theme.surface)
    border.width: primary ? 0 : 3
    border.color: enabled ? Theme.accent : Theme.disabled
    readonly property color labelColor: !enabled ? Theme.textOnDisabled : primary ? Theme.textOnAccent : Theme.accent

    Column {
        id: labels
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.spacing
        spacing: 6
        Text {
            width: parent.width
            text: button.text
            color: button.labelColor
            font.pixelSize: button.fontSize
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
        }
        Text {
            width: parent.width
            visible: button.detail !== ""
            text: button.detail
            color: button.labelColor
            font.pixelSize: button.detailSize
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
        }
    }

    MouseArea {
        id: touch
        anchors.fill: parent
        onClicked: button.clicked()
    }
}
