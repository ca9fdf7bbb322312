import QtQuick

// 自助取件: the 6-digit code from the SMS on big keys, or the ID / social-security card.
Item {
    id: page
    objectName: "pickupScreen"
    property string code: ""
    readonly property bool portrait: height > width

    Column {
        id: head
        anchors.top: parent.top
        anchors.topMargin: Theme.margin
        // Portrait: the code over the keys. Landscape: the code on the left, the keys on the right.
        x: page.portrait ? (parent.width - width) / 2 : Theme.margin
        width: page.portrait ? Math.min(parent.width - 2 * Theme.margin, 1000) : parent.width / 2 - 2 * Theme.margin
        spacing: Theme.spacing
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("请输入短信里的 6 位取件码")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("也可以直接刷身份证或社保卡")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
        Banner {
            objectName: "pickupNotice"
            width: parent.width
            visible: vm.pickupNotice !== ""
            text: vm.pickupNotice
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: Theme.spacing / 2
            Repeater {
                model: 6
                Rectangle {
                    required property int index
                    width: 110; height: 130
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: index === page.code.length ? Theme.accent : Theme.line
                    border.width: 3
                    Text {
                        anchors.centerIn: parent
                        text: index < page.code.length ? page.code[index] : ""
                        color: Theme.text
                        font.pixelSize: Theme.fontTitle + 10
                        font.bold: true
                    }
                }
            }
        }
    }

    Grid {
        id: keys
        y: page.portrait ? head.y + head.height + Theme.margin : Theme.margin
        x: page.portrait ? (parent.width - width) / 2 : parent.width / 2 + (parent.width / 2 - width) / 2
        columns: 3
        spacing: Theme.spacing / 2
        Repeater {
            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "取件"]
            BigButton {
                required property string modelData
                objectName: "pickupKey_" + modelData
                width: Math.min(300, ((page.portrait ? page.width : page.width / 2) - 2 * Theme.margin - Theme.spacing) / 3)
                primary: modelData === "取件"
                enabled: modelData !== "取件" || page.code.length === 6
                text: modelData === "取件" ? qsTr("取件") : modelData
                fontSize: Theme.fontTitle
                onClicked: {
                    if (modelData === "取件") { vm.pickupCode(page.code); page.code = "" }
                    else if (modelData === "⌫") page.code = page.code.slice(0, -1)
                    else if (page.code.length < 6) page.code += modelData
                }
            }
        }
    }

    NavBar {
        anchors.bottom: parent.bottom
        width: parent.width
        onBackClicked: vm.back()
        onHomeClicked: vm.goHome()
    }
}
