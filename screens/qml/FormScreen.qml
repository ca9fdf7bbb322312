import QtQuick

// One form: until a card is read, ask for it; then the filled form as it will be printed (the
// screen faces the hall, so names and numbers are shown masked) and one button to print it.
Item {
    id: page
    objectName: "formScreen"
    readonly property bool identified: vm.citizen.identified
    // Portrait: the questions over the preview. Landscape: the questions left, the preview right.
    readonly property bool portrait: height > width
    readonly property real side: page.portrait ? page.width : page.width / 2

    Column {
        id: header
        anchors.top: parent.top
        anchors.topMargin: Theme.spacing
        x: (page.side - width) / 2
        width: Math.min(page.side - 2 * Theme.margin, 1100)
        spacing: Theme.spacing

        Text {
            objectName: "formTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: vm.forms.title
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Banner {
            objectName: "formProblem"
            width: parent.width
            visible: vm.forms.problem !== ""
            text: vm.forms.problem
        }
        Banner {
            width: parent.width
            visible: vm.forms.problem === "" && !vm.forms.printerReady
            text: vm.forms.printerNote
        }
        Banner {
            objectName: "formNotes"
            width: header.width
            visible: page.identified && vm.forms.notes !== ""
            text: vm.forms.notes
        }
        // 代办: someone filling in the form for the citizen adds their own card for the agent block.
        BigButton {
            objectName: "agentButton"
            visible: page.identified && vm.forms.agentOffered && vm.forms.agentName === "" && !vm.forms.awaitingAgent
            width: header.width
            primary: false
            text: qsTr("替别人办理（代办）")
            detail: qsTr("代办人请再刷一下自己的身份证")
            fontSize: Theme.fontBody
            onClicked: vm.forms.awaitAgent()
        }
        Banner {
            objectName: "agentPrompt"
            width: header.width
            visible: vm.forms.awaitingAgent
            text: qsTr("请代办人把自己的身份证放在感应区上")
        }
        Text {
            objectName: "agentName"
            width: header.width
            visible: vm.forms.agentName !== ""
            text: qsTr("代办人：%1").arg(vm.forms.agentName)
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        // What the card does not hold: a phone number to type, a reason to choose.
        Repeater {
            model: page.identified ? vm.forms.typed : []
            Item {
                id: entry
                required property var modelData
                width: header.width
                height: entry.modelData.kind === "text" ? textRow.height + problem.height
                                                        : choices.height + problem.height
                Row {
                    id: textRow
                    visible: entry.modelData.kind === "text"
                    spacing: Theme.spacing
                    Text {
                        anchors.verticalCenter: parent.verticalCenter
                        text: entry.modelData.label
                        color: Theme.text
                        font.pixelSize: Theme.fontBody
                    }
                    BigButton {
                        objectName: "typed_" + entry.modelData.key
                        width: 520
                        primary: false
                        text: entry.modelData.value !== "" ? entry.modelData.value : qsTr("点这里填写")
                        fontSize: Theme.fontBody
                        onClicked: keypad.open(entry.modelData.key, entry.modelData.value)
                    }
                }
                Flow {
                    id: choices
                    visible: entry.modelData.kind === "choice"
                    width: entry.width
                    spacing: Theme.spacing / 2
                    Repeater {
                        model: entry.modelData.kind === "choice" ? entry.modelData.options : []
                        BigButton {
                            required property var modelData
                            objectName: "choice_" + modelData.value
                            readonly property bool chosen: entry.modelData.value === modelData.value
                            width: (entry.width - 2 * Theme.spacing) / 3
                            primary: chosen
                            text: (chosen ? "√ " : "") + modelData.label
                            fontSize: Theme.fontSmall
                            onClicked: vm.forms.setTyped(entry.modelData.key, modelData.value)
                        }
                    }
                }
                Text {
                    id: problem
                    objectName: entry.modelData.problem !== "" ? "typedProblem_" + entry.modelData.key : ""
                    anchors.top: entry.modelData.kind === "text" ? textRow.bottom : choices.bottom
                    width: parent.width
                    visible: entry.modelData.problem !== ""
                    height: visible ? implicitHeight : 0
                    wrapMode: Text.Wrap
                    text: entry.modelData.problem
                    color: Theme.stateFault
                    font.pixelSize: Theme.fontBody
                }
            }
        }
    }

    CardPrompt {
        objectName: "formCardPrompt"
        visible: !page.identified
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 1100)
    }

    Rectangle {
        id: paper
        visible: page.identified
        y: page.portrait ? header.y + header.height + Theme.spacing : Theme.spacing
        height: printButton.y - Theme.spacing - y
        x: (page.portrait ? 0 : page.side) + (page.side - width) / 2
        width: Math.min(page.side - 2 * Theme.margin, height / 1.414)
        color: "white"
        border.color: Theme.line; border.width: 2
        Image {
            objectName: "formPreview"
            anchors.fill: parent
            anchors.margins: 2
            fillMode: Image.PreserveAspectFit
            cache: false
            visible: vm.forms.hasPreview
            source: vm.forms.hasPreview ? "image://form/" + vm.forms.previewNo : ""
        }
        Spinner { anchors.centerIn: parent; visible: !vm.forms.hasPreview }
    }

    BigButton {
        id: printButton
        objectName: "printFormButton"
        visible: page.identified
        enabled: vm.forms.canPrint
        anchors.bottom: nav.top
        anchors.bottomMargin: Theme.spacing
        x: (page.portrait ? 0 : page.side) + (page.side - width) / 2
        width: Math.min(page.side - 2 * Theme.margin, 900)
        text: vm.forms.problem !== "" ? qsTr("再打印一次") : qsTr("打印这张表")
        detail: qsTr("打印出来的是完整信息，屏幕上为保护隐私做了遮挡")
        onClicked: vm.forms.print()
    }

    // A keypad of big keys for numbers (a phone number, an ID number), over the lower screen.
    Rectangle {
        id: keypad
        objectName: "keypad"
        property string key: ""
        property string value: ""
        function open(k, v) { key = k; value = v; visible = true }
        visible: false
        z: 10
        anchors.bottom: nav.top
        width: parent.width
        height: keys.implicitHeight + shown.implicitHeight + 3 * Theme.spacing
        color: Theme.surface
        border.color: Theme.line; border.width: 2
        Text {
            id: shown
            objectName: "keypadValue"
            anchors.top: parent.top; anchors.topMargin: Theme.spacing
            anchors.horizontalCenter: parent.horizontalCenter
            text: keypad.value !== "" ? keypad.value : " "
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Grid {
            id: keys
            anchors.top: shown.bottom; anchors.topMargin: Theme.spacing
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 4
            spacing: Theme.spacing / 2
            Repeater {
                model: ["1", "2", "3", "⌫", "4", "5", "6", "X", "7", "8", "9", "-", "清空", "0", " ", "完成"]
                BigButton {
                    required property string modelData
                    objectName: "key_" + modelData
                    // Keys that do not apply stay in place, blank: the others never move.
                    readonly property bool applies: modelData !== " " && (modelData !== "X" || keypad.key.endsWith("id_number"))
                    opacity: applies ? 1 : 0
                    enabled: applies
                    width: 230
                    primary: modelData === "完成"
                    text: modelData === "完成" ? qsTr("完成") : modelData === "清空" ? qsTr("清空") : modelData
                    fontSize: Theme.fontLarge
                    onClicked: {
                        if (modelData === "完成") { keypad.visible = false; vm.forms.setTyped(keypad.key, keypad.value) }
                        else if (modelData === "⌫") keypad.value = keypad.value.slice(0, -1)
                        else if (modelData === "清空") keypad.value = ""
                        else if (keypad.value.length < 20) keypad.value += modelData
                    }
                }
            }
        }
    }

    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        onBackClicked: vm.back()
        onHomeClicked: vm.goHome()
    }
}
