import QtQuick

// The technician's door: a PIN pad. Wrong PINs get a gentle word; five in a row lock it for 30 s.
Item {
    id: page
    objectName: "pinScreen"
    readonly property var tech: vm.tech
    readonly property bool locked: tech.pinState === "locked"
    readonly property bool checking: tech.pinState === "checking"
    readonly property bool portrait: height > width

    // Portrait: one column. Landscape: the words and the way back on the left, the keys right.
    Grid {
        anchors.centerIn: parent
        columns: page.portrait ? 1 : 2
        spacing: Theme.spacing
        columnSpacing: 2 * Theme.margin
        verticalItemAlignment: Grid.AlignVCenter

        Column {
            width: 760
            spacing: Theme.spacing

            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("维护人员登录")
                color: Theme.text
                font.pixelSize: Theme.fontTitle
                font.bold: true
            }
            Text {
                objectName: "pinDots"
                width: parent.width
                height: 110
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
                text: page.tech.pinLength > 0 ? "●".repeat(page.tech.pinLength) : qsTr("请输入维护密码")
                color: page.tech.pinLength > 0 ? Theme.text : Theme.textSecondary
                font.pixelSize: page.tech.pinLength > 0 ? Theme.fontTitle : Theme.fontBody
            }
            Text {
                objectName: "pinMessage"
                width: parent.width
                height: 100
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: page.locked ? qsTr("输错次数太多，请 %1 秒后再试").arg(page.tech.lockRemaining) : page.tech.pinState === "wrong" ? qsTr("密码不对，请再试一次（还可以试 %1 次）").arg(page.tech.triesLeft) : page.checking ? qsTr("正在核对…") : ""
                color: Theme.noticeText
                font.pixelSize: Theme.fontBody
            }
            Loader {
                sourceComponent: page.portrait ? null : cancel
                anchors.horizontalCenter: parent.horizontalCenter
            }
        }

        Column {
            spacing: Theme.spacing
            Grid {
                id: pad
                objectName: "pinPad"
                anchors.horizontalCenter: parent.horizontalCenter
                columns: 3
                spacing: 24
                enabled: !page.locked && !page.checking
                Repeater {
                    model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"]
                    BigButton {
                        required property string modelData
                        objectName: "pinKey_" + modelData
                        width: 220
                        height: 150
                        primary: modelData === "ok"
                        text: modelData === "clear" ? qsTr("清除") : modelData === "ok" ? qsTr("确定") : modelData
                        fontSize: modelData.length === 1 ? Theme.fontTitle : Theme.fontBody
                        onClicked: {
                            if (modelData === "clear")
                                page.tech.clearPin();
                            else if (modelData === "ok")
                                page.tech.submitPin();
                            else
                                page.tech.pressDigit(modelData);
                        }
                    }
                }
            }
            Loader {
                sourceComponent: page.portrait ? cancel : null
                anchors.horizontalCenter: parent.horizontalCenter
            }
        }
    }

    Component {
        id: cancel
        BigButton {
            objectName: "pinCancel"
            width: 3 * 220 + 2 * 24
            primary: false
            text: qsTr("返回首页")
            onClicked: vm.goHome()
        }
    }
}
