import QtQuick
import QtQuick.Controls.Basic

// 取件柜管理, for hall staff: the bank live (each door as its board reports it), and for the
// cell tapped: load it, open it to mend it, take it out of service. Opening a whole board asks the
// technician PIN and a confirmation. Dense on purpose (staff, not citizens), still readable.
Item {
    id: page
    objectName: "lockerStaffScreen"
    readonly property var staff: vm.lockerStaff
    readonly property var cell: staff.selected
    readonly property bool portrait: height > width
    readonly property int tileW: 112
    readonly property int tileH: 74

    Text {
        id: title
        x: Theme.margin; y: Theme.spacing / 2
        text: qsTr("取件柜管理")
        color: Theme.text
        font.pixelSize: Theme.fontLarge
        font.bold: true
    }
    Text {
        objectName: "lockerStaffActor"
        anchors.right: parent.right; anchors.rightMargin: Theme.margin
        anchors.verticalCenter: title.verticalCenter
        text: page.staff.actor === "technician" ? qsTr("技术员") : qsTr("工作人员 %1").arg(page.staff.actor.replace("staff ", ""))
        color: Theme.textSecondary
        font.pixelSize: Theme.fontSmall
    }

    // The bank, board by board, as the doors stand now. It scrolls where it does not fit (landscape).
    Flickable {
        id: bankView
        anchors.top: title.bottom; anchors.topMargin: Theme.spacing / 2
        x: Theme.margin
        width: bank.width
        height: Math.min(bank.implicitHeight, nav.y - y - Theme.spacing / 2)
        contentHeight: bank.implicitHeight
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {           // more boards below: a bar that says so
            policy: bankView.contentHeight > bankView.height ? ScrollBar.AlwaysOn : ScrollBar.AsNeeded
        }
    Column {
        id: bank
        objectName: "lockerBank"
        width: 8 * page.tileW + 7 * 6
        spacing: 10
        Repeater {
            model: page.staff.boards
            Column {
                id: boardColumn
                required property var modelData
                spacing: 6
                Item {
                    width: bank.width; height: 52
                    Text {
                        anchors.verticalCenter: parent.verticalCenter
                        text: qsTr("%1 · %2 号板 · %3–%4 号").arg(boardColumn.modelData.bus).arg(boardColumn.modelData.board)
                              .arg(boardColumn.modelData.first).arg(boardColumn.modelData.last)
                        color: Theme.textSecondary
                        font.pixelSize: Theme.fontSmall
                    }
                    BigButton {
                        objectName: "openBoard_" + boardColumn.modelData.bus + "_" + boardColumn.modelData.board
                        anchors.right: parent.right
                        width: 240; height: 52
                        primary: false
                        enabled: page.staff.mode === "" || page.staff.mode === "deposit"
                        text: qsTr("整板开门")
                        fontSize: Theme.fontSmall
                        onClicked: page.staff.startOpenBoard(boardColumn.modelData.bus, boardColumn.modelData.board)
                    }
                }
                Grid {
                    columns: 8
                    spacing: 6
                    Repeater {
                        model: boardColumn.modelData.cells
                        Rectangle {
                            required property var modelData
                            readonly property bool chosen: page.cell.number === modelData.number
                            objectName: "cell_" + modelData.number
                            width: page.tileW; height: page.tileH
                            radius: 8
                            color: modelData.state === "fault" ? "#FDE8E8" : modelData.state === "loaded" ? Theme.accentSoft
                                 : modelData.state === "out_of_service" ? Theme.disabled : Theme.surface
                            border.width: chosen ? 6 : modelData.open ? 5 : 2
                            border.color: chosen ? Theme.accent : modelData.open ? Theme.noticeLine
                                        : modelData.state === "fault" ? Theme.stateFault : Theme.line
                            Text {
                                x: 10; y: 0
                                text: parent.modelData.number
                                color: Theme.text
                                font.pixelSize: 30
                                font.bold: true
                            }
                            Text {
                                anchors.right: parent.right; anchors.rightMargin: 8; y: 4
                                text: parent.modelData.size.toUpperCase()
                                color: Theme.textSecondary
                                font.pixelSize: 22
                            }
                            Text {
                                objectName: "cellState_" + parent.modelData.number
                                x: 10; anchors.bottom: parent.bottom; anchors.bottomMargin: 2
                                text: parent.modelData.open ? qsTr("门开") : parent.modelData.expired ? qsTr("过期") : parent.modelData.stateText
                                color: parent.modelData.open || parent.modelData.expired ? Theme.noticeText
                                     : parent.modelData.state === "fault" ? Theme.stateFault : Theme.textSecondary
                                font.pixelSize: 22
                                font.bold: parent.modelData.open
                            }
                            MouseArea { anchors.fill: parent; onClicked: page.staff.select(parent.modelData.number) }
                        }
                    }
                }
            }
        }
    }

    }

    // The cell tapped and what can be done with it. Portrait: under the bank; landscape: right.
    Column {
        id: panel
        anchors.top: page.portrait ? bankView.bottom : title.bottom
        anchors.topMargin: Theme.spacing / 2
        x: page.portrait ? Theme.margin : bankView.x + bankView.width + Theme.margin
        width: page.portrait ? page.width - 2 * Theme.margin : page.width - x - Theme.margin
        spacing: 16

        Text {
            objectName: "selectedCell"
            width: parent.width
            wrapMode: Text.Wrap
            text: page.cell.number === undefined ? qsTr("请点选一个柜格")
                : qsTr("%1 号柜 · %2 · %3").arg(page.cell.number).arg(page.cell.sizeText).arg(page.cell.stateText)
                  + (page.cell.order ? qsTr(" · 办件 %1").arg(page.cell.order) : "")
                  + (page.cell.open ? qsTr(" · 柜门开着") : "")
            color: Theme.text
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
        Text {
            objectName: "lockerStaffMessage"
            width: parent.width
            visible: text !== ""
            wrapMode: Text.Wrap
            text: page.staff.message
            color: page.staff.problem ? Theme.stateFault : Theme.text
            font.pixelSize: Theme.fontSmall
        }

        Row {
            visible: page.staff.mode === "" && page.cell.number !== undefined
            spacing: Theme.spacing / 2
            readonly property real cellWidth: (panel.width - 2 * spacing) / 3
            BigButton {
                objectName: "depositButton"
                width: parent.cellWidth
                enabled: page.cell.state === "free" || page.cell.state === "collected"
                text: qsTr("存件")
                fontSize: Theme.fontBody
                onClicked: page.staff.startDeposit()
            }
            BigButton {
                objectName: "maintenanceOpenButton"
                width: parent.cellWidth
                primary: false
                text: qsTr("开门检修")
                fontSize: Theme.fontBody
                onClicked: page.staff.openDoor()
            }
            BigButton {
                objectName: "serviceButton"
                width: parent.cellWidth
                primary: false
                enabled: page.cell.state !== "loaded"
                text: page.cell.state === "out_of_service" || page.cell.state === "fault" ? qsTr("恢复使用") : qsTr("停用")
                fontSize: Theme.fontBody
                onClicked: page.staff.toggleService()
            }
        }

        // 存件: three fields filled from one keypad (or a scanner / keyboard), the card as the ID.
        Row {
            visible: page.staff.mode === "deposit"
            spacing: Theme.spacing
            Column {
                id: fields
                width: panel.width - keypad.width - Theme.spacing
                spacing: 12
                Repeater {
                    model: [{"key": "order", "label": qsTr("办件编号"), "value": page.staff.orderNo},
                            {"key": "id", "label": qsTr("身份证号"), "value": page.staff.idNumber},
                            {"key": "phone", "label": qsTr("手机号码"), "value": page.staff.phone}]
                    Rectangle {
                        required property var modelData
                        objectName: "field_" + modelData.key
                        width: fields.width; height: 70
                        radius: 10
                        color: Theme.surface
                        border.width: page.staff.field === modelData.key ? 5 : 2
                        border.color: page.staff.field === modelData.key ? Theme.accent : Theme.line
                        Text {
                            x: 14; anchors.verticalCenter: parent.verticalCenter
                            width: parent.width - 28
                            elide: Text.ElideLeft
                            text: parent.modelData.value !== "" ? parent.modelData.value : parent.modelData.label
                            color: parent.modelData.value !== "" ? Theme.text : Theme.textSecondary
                            font.pixelSize: Theme.fontSmall
                        }
                        MouseArea { anchors.fill: parent; onClicked: page.staff.setField(parent.modelData.key) }
                    }
                }
                Text {
                    objectName: "depositCardHint"
                    width: fields.width
                    wrapMode: Text.Wrap
                    text: page.staff.cardHolder !== "" && page.staff.idNumber === ""
                          ? qsTr("办事人：%1（已刷卡）").arg(page.staff.cardHolder)
                          : qsTr("身份证号也可以请办事人刷卡读取")
                    color: Theme.textSecondary
                    font.pixelSize: 26
                }
                Row {
                    spacing: 12
                    BigButton {
                        objectName: "confirmDepositButton"
                        width: (fields.width - 12) / 2; height: 90
                        text: qsTr("开柜存件")
                        fontSize: Theme.fontBody
                        onClicked: page.staff.confirmDeposit()
                    }
                    BigButton {
                        objectName: "cancelDepositButton"
                        width: (fields.width - 12) / 2; height: 90
                        primary: false
                        text: qsTr("取消")
                        fontSize: Theme.fontBody
                        onClicked: page.staff.cancel()
                    }
                }
            }
            Grid {
                id: keypad
                columns: 3
                spacing: 10
                Repeater {
                    model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "back"]
                    BigButton {
                        required property string modelData
                        objectName: "depositKey_" + modelData
                        width: 100; height: 80
                        primary: false
                        text: modelData === "back" ? "⌫" : modelData
                        fontSize: Theme.fontBody
                        onClicked: page.staff.key(modelData)
                    }
                }
            }
        }

        // 整板开门: the technician's PIN again, then a plain confirmation.
        Column {
            visible: page.staff.mode === "board_pin" || page.staff.mode === "checking" || page.staff.mode === "board_confirm"
            width: panel.width
            spacing: 12
            Text {
                objectName: "boardPrompt"
                width: parent.width
                wrapMode: Text.Wrap
                text: page.staff.mode === "board_confirm"
                      ? qsTr("确定要同时打开 %1 吗？请先确认柜前有人看管。").arg(page.staff.boardText)
                      : qsTr("打开 %1 需要技术员密码：%2").arg(page.staff.boardText)
                        .arg(page.staff.pinLength > 0 ? "●".repeat(page.staff.pinLength) : "")
                color: Theme.text
                font.pixelSize: Theme.fontBody
            }
            Grid {
                visible: page.staff.mode !== "board_confirm"
                columns: 6
                spacing: 10
                enabled: page.staff.mode === "board_pin"
                Repeater {
                    model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "back", "ok"]
                    BigButton {
                        required property string modelData
                        objectName: "boardPinKey_" + modelData
                        width: 140; height: 84
                        primary: modelData === "ok"
                        text: modelData === "back" ? "⌫" : modelData === "ok" ? qsTr("确定") : modelData
                        fontSize: Theme.fontBody
                        onClicked: page.staff.pinKey(modelData)
                    }
                }
            }
            Row {
                spacing: 12
                BigButton {
                    objectName: "confirmOpenBoardButton"
                    visible: page.staff.mode === "board_confirm"
                    width: 440; height: 100
                    text: qsTr("确认全部打开")
                    fontSize: Theme.fontBody
                    onClicked: page.staff.confirmOpenBoard()
                }
                BigButton {
                    objectName: "cancelBoardButton"
                    width: 300; height: 100
                    primary: false
                    text: qsTr("取消")
                    fontSize: Theme.fontBody
                    onClicked: page.staff.cancel()
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
