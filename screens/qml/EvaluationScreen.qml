import QtQuick
import QtQuick.Controls.Basic
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

// 好差评: the five national levels as five big buttons; the chosen level's tags (from the
// province's list) to tick; a few words if the citizen wants; 提交评价. 不满意 and 非常不满意
// need a reason, and the button says so instead of being silently grey. Nothing is kept until
// 提交评价: leaving from here drops it. Portrait: one column. Landscape: the levels on the left.
Item {
    id: page
    objectName: "evaluationScreen"
    readonly property var model: vm.evaluation
    readonly property bool portrait: height > width
    readonly property bool typing: inputPanel.active
    readonly property real columnWidth: portrait ? width - 2 * Theme.margin : (width - 3 * Theme.margin) / 2

    Flickable {
        id: area
        objectName: "evaluationArea"
        anchors.top: parent.top
        // Landscape: 提交评价 sits under the right column, so the levels keep the whole height.
        anchors.bottom: page.portrait ? footer.top : (page.typing ? inputPanel.top : nav.top)
        width: parent.width
        contentHeight: Math.max(levels.y + levels.height,
                                details.y + details.height + (page.portrait ? 0 : footer.height + Theme.spacing))
                       + Theme.spacing
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {
            policy: area.contentHeight > area.height ? ScrollBar.AlwaysOn : ScrollBar.AlwaysOff
            width: 16
            contentItem: Rectangle { implicitWidth: 16; radius: 8; color: Theme.accent; opacity: 0.6 }
        }

        Column {
            id: levels
            x: Theme.margin; y: Theme.spacing
            width: page.columnWidth
            spacing: Theme.spacing / 2
            Text {
                width: parent.width
                wrapMode: Text.Wrap
                text: page.model.journey === "ticket" ? qsTr("请为刚才的取号打个分")
                    : page.model.journey === "check_in" ? qsTr("请为刚才的预约签到打个分")
                    : page.model.journey === "form" ? qsTr("请为刚才的表格打印打个分")
                    : page.model.journey === "pickup" ? qsTr("请为刚才的自助取件打个分")
                    : qsTr("请为我们的服务打个分")
                color: Theme.text
                font.pixelSize: Theme.elder && !page.portrait ? Theme.fontLarge : Theme.fontTitle
                font.bold: true
            }
            Text {
                visible: !Theme.elder        // room for the levels, in bigger type
                width: parent.width
                wrapMode: Text.Wrap
                text: qsTr("您的评价会直接报送省政务服务“好差评”系统。")
                color: Theme.textSecondary
                font.pixelSize: Theme.fontSmall
            }
            Repeater {
                model: page.model.levels
                Rectangle {
                    id: levelButton
                    required property var modelData
                    objectName: "level_" + modelData.level
                    readonly property bool chosen: modelData.chosen
                    width: levels.width
                    height: Theme.touchMin
                    radius: Theme.radius
                    color: chosen ? Theme.accent : (levelTouch.pressed ? Theme.accentSoft : Theme.surface)
                    border.color: Theme.accent
                    border.width: 3
                    Row {
                        anchors.verticalCenter: parent.verticalCenter
                        x: Theme.spacing
                        spacing: Theme.spacing
                        Text {     // the stars are how the national label shows the level
                            width: 5 * Theme.fontBody
                            text: "★".repeat(levelButton.modelData.level) + "☆".repeat(5 - levelButton.modelData.level)
                            color: levelButton.chosen ? Theme.textOnAccent : Theme.accent
                            font.pixelSize: Theme.fontBody
                        }
                        Text {
                            text: levelButton.modelData.label
                            color: levelButton.chosen ? Theme.textOnAccent : Theme.text
                            font.pixelSize: Theme.fontLarge
                            font.bold: true
                        }
                    }
                    MouseArea { id: levelTouch; anchors.fill: parent; onClicked: page.model.rate(levelButton.modelData.level) }
                }
            }
        }

        Column {
            id: details
            x: page.portrait ? Theme.margin : 2 * Theme.margin + page.columnWidth
            y: page.portrait ? levels.y + levels.height + Theme.margin : Theme.spacing
            width: page.columnWidth
            spacing: Theme.spacing
            visible: page.model.level > 0

            Text {
                objectName: page.model.missingReason ? "reasonNeeded" : "tagsTitle"
                width: parent.width
                wrapMode: Text.Wrap
                text: page.model.needsReason ? qsTr("请选一下不满意的原因（可多选）") : qsTr("您觉得哪里好？（可不选，可多选）")
                color: page.model.missingReason ? Theme.noticeText : Theme.text
                font.pixelSize: Theme.fontBody
                font.bold: true
            }
            Flow {
                width: parent.width
                spacing: Theme.spacing / 2
                Repeater {
                    model: page.model.tags
                    Rectangle {
                        id: tag
                        required property var modelData
                        objectName: "tag_" + modelData.code
                        readonly property bool chosen: modelData.chosen
                        width: Math.min(details.width, tagText.implicitWidth + 2 * Theme.spacing + 50)
                        height: Theme.touchMin
                        radius: height / 2
                        color: chosen ? Theme.accentSoft : Theme.surface
                        border.color: chosen ? Theme.accent : Theme.line
                        border.width: chosen ? 4 : 2
                        Text {
                            id: tagText
                            anchors.centerIn: parent
                            width: Math.min(implicitWidth, tag.width - 2 * Theme.spacing)
                            text: (tag.chosen ? "✓ " : "") + tag.modelData.name
                            color: tag.chosen ? Theme.accent : Theme.text
                            font.pixelSize: Theme.fontBody
                            font.bold: tag.chosen
                            elide: Text.ElideRight
                        }
                        MouseArea { anchors.fill: parent; onClicked: page.model.toggleTag(tag.modelData.code) }
                    }
                }
            }
            Text {
                width: parent.width
                wrapMode: Text.Wrap
                text: qsTr("还想说点什么？（可不填）")
                color: Theme.textSecondary
                font.pixelSize: Theme.fontSmall
            }
            Rectangle {
                id: commentBox
                width: parent.width
                height: Theme.touchMin
                radius: Theme.radius
                color: Theme.surface
                border.color: comment.activeFocus ? Theme.accent : Theme.line
                border.width: 3
                TextInput {
                    id: comment
                    objectName: "commentField"
                    anchors.fill: parent
                    anchors.margins: Theme.spacing / 2
                    verticalAlignment: TextInput.AlignVCenter
                    font.pixelSize: Theme.fontBody
                    color: Theme.text
                    clip: true
                    maximumLength: page.model.commentMax
                    inputMethodHints: Qt.ImhNoPredictiveText
                    onTextChanged: page.model.writeComment(text)
                    onActiveFocusChanged: if (activeFocus) scrollIntoView.restart()
                    Text {
                        anchors.fill: parent
                        verticalAlignment: Text.AlignVCenter
                        visible: comment.text === "" && comment.preeditText === ""
                        text: qsTr("点这里输入，可用拼音")
                        color: Theme.textSecondary
                        font.pixelSize: Theme.fontSmall
                    }
                }
                // Once the keyboard has come up, bring the box above it.
                Timer {
                    id: scrollIntoView
                    interval: 50
                    onTriggered: {
                        const bottom = commentBox.mapToItem(area.contentItem, 0, commentBox.height).y + Theme.spacing
                        if (bottom > area.contentY + area.height)
                            area.contentY = Math.min(bottom - area.height, area.contentHeight - area.height)
                    }
                }
            }
        }
    }

    // Always in sight, whatever is scrolled; grey until a bad rating has its reason, and then
    // it says what is missing rather than just refusing.
    BigButton {
        id: footer
        objectName: "submitEvaluation"
        anchors.bottom: page.typing ? inputPanel.top : nav.top
        anchors.bottomMargin: visible ? Theme.spacing / 2 : 0
        x: page.portrait ? Theme.margin : 2 * Theme.margin + page.columnWidth
        width: page.portrait ? page.width - 2 * Theme.margin : page.columnWidth
        height: visible ? implicitHeight : 0
        visible: page.model.level > 0
        enabled: page.model.ready
        text: page.model.missingReason ? qsTr("请先选一个原因，或写几句话") : qsTr("提交评价")
        onClicked: { Qt.inputMethod.hide(); page.model.submit() }
    }

    Rectangle {
        objectName: "moreBelow"
        visible: !page.typing && area.contentHeight > area.height + 1 && !area.atYEnd
        anchors.bottom: page.portrait ? footer.top : nav.top
        // (landscape: under the levels, beside 提交评价)
        width: page.portrait ? parent.width : page.columnWidth + 1.5 * Theme.margin
        height: moreText.implicitHeight + Theme.spacing
        color: Theme.accentSoft
        Text {
            id: moreText
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.spacing
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("下面还有内容，请用手指向上滑动查看")
            color: Theme.accent
            font.pixelSize: Theme.fontSmall
            font.bold: true
        }
    }

    InputPanel {
        id: inputPanel
        objectName: "keyboard"
        visible: active
        width: page.width
        anchors.bottom: nav.top
        Component.onCompleted: inputPanel.keyboard.style.keyboardDesignWidth = 1600
    }

    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        showBack: false
        onHomeClicked: vm.goHome()
    }

    Component.onCompleted: {
        VirtualKeyboardSettings.activeLocales = ["zh_CN", "en_GB"]
        VirtualKeyboardSettings.locale = vm.english ? "en_GB" : "zh_CN"
    }
}
