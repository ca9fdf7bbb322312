import QtQuick

// A calm notice in plain words (printer out of paper, hall closed): amber, never alarming.
Rectangle {
    id: banner
    property alias text: label.text
    implicitHeight: label.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.noticeBackground
    border.color: Theme.noticeLine
    border.width: 3

    Text {
        id: label
        objectName: "bannerText"
        anchors.verticalCenter: parent.verticalCenter
        x: Theme.spacing
        width: parent.width - 2 * Theme.spacing
        color: Theme.noticeText
        font.pixelSize: Theme.fontBody
        wrapMode: Text.Wrap
        lineHeight: 1.15
    }
}
