import QtQuick

// "请刷身份证或社保卡" with a picture of where each card goes, moving slowly on a loop: the ID
// card laid on the reader pad (seen from above), the social-security card pushed chip-first into
// the slot. Plain rectangles driven by one number `t`, so it costs next to nothing at start-up.
Rectangle {
    id: prompt
    objectName: "cardPrompt"
    readonly property string text: title.text
    property bool animate: true
    property real pictureScale: 1.0
    property real t: 0.5          // where in the loop the pictures are (0..1)
    implicitHeight: column.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.line
    border.width: 3

    NumberAnimation on t {
        from: 0; to: 1; duration: 4200
        loops: Animation.Infinite
        running: prompt.animate && prompt.visible
    }

    // 0 before `a`, 1 after `b`, a gentle S-curve in between.
    function ease(a, b) {
        const x = Math.max(0, Math.min(1, (t - a) / (b - a)))
        return x * x * (3 - 2 * x)
    }
    // Each loop: the cards appear where the citizen holds them, pause, move to the reader, are
    // read (a ring), and fade away.
    readonly property real appear: ease(0.00, 0.08)
    readonly property real arrive1: ease(0.14, 0.40)
    readonly property real arrive2: ease(0.16, 0.46)
    readonly property real reading: ease(0.45, 0.82)
    readonly property real leave: ease(0.88, 0.98)

    Column {
        id: column
        x: Theme.spacing; y: Theme.spacing
        width: parent.width - 2 * Theme.spacing
        spacing: Theme.spacing / 2

        Text {
            id: title
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("请刷身份证或社保卡")
            color: Theme.accent
            font.pixelSize: vm.english ? Theme.fontLarge - 8 : Theme.fontLarge + 4
            font.bold: true
        }

        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: Theme.spacing
            readonly property real scene: Math.min(420, (column.width - spacing) / 2)

            // ---- The ID card on the reader pad, seen from above.
            Column {
                width: parent.scene
                spacing: 8
                Picture {
                    Rectangle {
                        id: pad
                        anchors.horizontalCenter: parent.horizontalCenter
                        y: 90; width: 210; height: 134; radius: 18
                        color: "#D5DCE6"; border.color: "#8C99AB"; border.width: 3
                        // The contactless mark: three arcs, halves of rings.
                        Item {
                            anchors.centerIn: parent
                            width: 60; height: 70; clip: true
                            Repeater {
                                model: 3
                                Rectangle {
                                    required property int index
                                    readonly property real size: 24 + index * 22
                                    x: -size / 2 + 8; y: (parent.height - size) / 2
                                    width: size; height: size; radius: size / 2
                                    color: "transparent"; border.color: "#8C99AB"; border.width: 5
                                }
                            }
                        }
                    }
                    // "Reading": a soft ring grows around the card and fades.
                    Rectangle {
                        anchors.centerIn: pad
                        width: pad.width; height: pad.height; radius: 22
                        color: "transparent"; border.color: Theme.accent; border.width: 4
                        scale: 1 + 0.25 * prompt.reading
                        opacity: prompt.reading > 0 && prompt.reading < 1 ? 0.8 * (1 - prompt.reading) : 0
                    }
                    Rectangle {
                        id: idCard
                        anchors.horizontalCenter: pad.horizontalCenter
                        width: 176; height: 111; radius: 10
                        y: pad.y + (pad.height - height) / 2 - (1 - prompt.arrive1) * 88
                        opacity: prompt.appear * (1 - prompt.leave)
                        color: "#E9F0F8"; border.color: "#7D93B2"; border.width: 2
                        Repeater {      // name, sex, address lines
                            model: [0.62, 0.45, 0.55, 0.4]
                            Rectangle {
                                required property real modelData
                                required property int index
                                x: 14; y: 16 + index * 17
                                width: (idCard.width - 70) * modelData; height: 7; radius: 3
                                color: "#9FB0C6"
                            }
                        }
                        Rectangle {     // the photo, on the right as on the card
                            x: parent.width - 54; y: 14; width: 40; height: 52; radius: 4
                            color: "#B8C6D8"
                        }
                        Rectangle {     // the number along the bottom
                            x: 14; y: parent.height - 22; width: parent.width - 28; height: 8; radius: 3
                            color: "#7D93B2"
                        }
                    }
                }
                Caption { card: qsTr("身份证"); how: qsTr("放在感应区上") }
            }

            // ---- The social-security card going into the slot, seen from the front.
            Column {
                width: parent.scene
                spacing: 8
                Picture {
                    // Above the slot only: the part of the card already inside is hidden.
                    Item {
                        id: aboveSlot
                        anchors.horizontalCenter: parent.horizontalCenter
                        width: 200; height: slot.y + slot.height / 2
                        clip: true
                        Rectangle {
                            id: sscCard
                            anchors.horizontalCenter: parent.horizontalCenter
                            width: 100; height: 158; radius: 10
                            y: 6 + prompt.arrive2 * 96
                            opacity: prompt.appear * (1 - prompt.leave)
                            color: "#CFE3F7"; border.color: "#5B86B8"; border.width: 2
                            Rectangle {     // a band of colour across the top, as on the card
                                x: 2; y: 2; width: parent.width - 4; height: 30; radius: 8
                                color: "#5B86B8"
                            }
                            Rectangle {     // the chip, at the end that goes in first
                                anchors.horizontalCenter: parent.horizontalCenter
                                y: parent.height - 54; width: 34; height: 28; radius: 5
                                color: "#D9A93B"; border.color: "#A87B1E"; border.width: 2
                            }
                        }
                    }
                    Rectangle {     // the kiosk's front around the slot
                        id: panel
                        anchors.horizontalCenter: parent.horizontalCenter
                        y: 170; width: 230; height: 56; radius: 14
                        color: "#D5DCE6"; border.color: "#8C99AB"; border.width: 3
                    }
                    Rectangle {
                        id: slot
                        anchors.horizontalCenter: parent.horizontalCenter
                        y: panel.y + 20; width: 140; height: 14; radius: 7
                        color: "#2B3440"
                    }
                }
                Caption { card: qsTr("社保卡"); how: qsTr("芯片朝上插入卡槽") }
            }
        }
    }

    // A drawing 230 px tall in its own coordinates, scaled to the room the screen gives it.
    component Picture: Item {
        default property alias content: drawing.data
        width: parent.width
        height: 230 * prompt.pictureScale
        Item {
            id: drawing
            width: parent.width / prompt.pictureScale
            height: 230
            scale: prompt.pictureScale
            transformOrigin: Item.TopLeft
        }
    }

    // Under each picture: which card, then what to do with it.
    component Caption: Column {
        property alias card: cardName.text
        property alias how: howText.text
        width: parent.width
        Text {
            id: cardName
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            color: Theme.text
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
        Text {
            id: howText
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            color: Theme.textSecondary
            font.pixelSize: Theme.fontSmall
        }
    }
}
