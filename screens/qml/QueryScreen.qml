import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

// One query: the receipt number and the phone's last four digits typed on the on-screen
// keyboard, or the card to show. While the back-end is asked, a spinner; a back-end that is down
// or slow, or an answer that is not the citizen's, gets a calm sentence and nothing else.
Item {
    id: page
    objectName: "queryScreen"
    readonly property var model: vm.queries
    readonly property bool byReceipt: model.identity === "receipt"
    readonly property bool typing: inputPanel.active
    readonly property bool portrait: height > width
    readonly property bool complete: receipt.text.trim().length >= 4 && phone.text.length === 4

    Column {
        id: form
        x: Theme.margin; y: Theme.spacing
        // Landscape: the keyboard takes the right half, the boxes and 查询 stay in sight on the left.
        width: (page.portrait || !page.typing ? parent.width : parent.width / 2) - 2 * Theme.margin
        spacing: Theme.spacing
        Text {
            width: parent.width
            text: page.model.title
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }

        // By receipt: two boxes, then 查询.
        Column {
            visible: page.byReceipt
            width: parent.width
            spacing: Theme.spacing / 2
            Text {
                width: parent.width
                wrapMode: Text.Wrap
                text: qsTr("受理回执上的编号")
                color: Theme.text
                font.pixelSize: Theme.fontBody
            }
            Rectangle {
                width: parent.width
                height: Theme.touchMin
                radius: Theme.radius
                color: Theme.surface
                border.color: receipt.activeFocus ? Theme.accent : Theme.line
                border.width: 3
                TextInput {
                    id: receipt
                    objectName: "receiptField"
                    anchors.fill: parent
                    anchors.margins: Theme.spacing / 2
                    verticalAlignment: TextInput.AlignVCenter
                    font.pixelSize: Theme.fontLarge
                    color: Theme.text
                    maximumLength: 32
                    // Letters, digits and '-' as printed: the Latin keyboard, no pinyin.
                    inputMethodHints: Qt.ImhLatinOnly | Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
                                      | Qt.ImhNoAutoUppercase
                    validator: RegularExpressionValidator { regularExpression: /[A-Za-z0-9-]*/ }
                    Text {
                        anchors.fill: parent
                        verticalAlignment: Text.AlignVCenter
                        visible: receipt.text === ""
                        text: qsTr("例如 SL20261120-0012")
                        color: Theme.textSecondary
                        font.pixelSize: Theme.fontBody
                    }
                }
            }
            Text {
                width: parent.width
                wrapMode: Text.Wrap
                text: qsTr("申请时留的手机号，后四位")
                color: Theme.text
                font.pixelSize: Theme.fontBody
            }
            Rectangle {
                width: Math.min(parent.width, 420)
                height: Theme.touchMin
                radius: Theme.radius
                color: Theme.surface
                border.color: phone.activeFocus ? Theme.accent : Theme.line
                border.width: 3
                TextInput {
                    id: phone
                    objectName: "phoneField"
                    anchors.fill: parent
                    anchors.margins: Theme.spacing / 2
                    verticalAlignment: TextInput.AlignVCenter
                    font.pixelSize: Theme.fontLarge
                    font.letterSpacing: 12
                    color: Theme.text
                    maximumLength: 4
                    inputMethodHints: Qt.ImhDigitsOnly
                    validator: RegularExpressionValidator { regularExpression: /[0-9]{0,4}/ }
                }
            }
            BigButton {
                objectName: "askButton"
                width: parent.width
                enabled: page.complete && !page.model.querying
                text: qsTr("查询")
                onClicked: { Qt.inputMethod.hide(); page.model.askByReceipt(receipt.text, phone.text) }
            }
        }

        // By card: where the card goes (a card already read has been used at once).
        CardPrompt {
            visible: !page.byReceipt && !page.model.querying
            width: parent.width
            pictureScale: 0.9
        }

        Column {
            visible: page.model.querying
            width: parent.width
            spacing: Theme.spacing
            Spinner { anchors.horizontalCenter: parent.horizontalCenter }
            Text {
                objectName: "queryingText"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("正在查询，请稍候…")
                color: Theme.text
                font.pixelSize: Theme.fontLarge
            }
        }
        Banner {
            objectName: "queryNotice"
            width: parent.width
            visible: page.model.notice !== ""
            text: page.model.notice
        }
    }

    InputPanel {
        id: inputPanel
        objectName: "keyboard"
        visible: active
        width: page.portrait ? page.width : page.width / 2
        x: page.portrait ? 0 : page.width / 2
        anchors.bottom: nav.top
        Component.onCompleted: inputPanel.keyboard.style.keyboardDesignWidth = 1600
    }

    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        onBackClicked: vm.back()
        onHomeClicked: vm.goHome()
    }

    Component.onCompleted: {
        VirtualKeyboardSettings.activeLocales = ["en_GB"]
        VirtualKeyboardSettings.locale = "en_GB"
    }
}
