import QtQuick

// The ticket has printed: the number, big, and where to wait. Any tap (or 15 s) goes home.
// A priority or reprinted ticket says why in one friendly sentence.
Item {
    id: page
    objectName: "doneScreen"
    readonly property var ticket: vm.ticket
    readonly property bool portrait: height > width
    readonly property real columnWidth: portrait ? Math.min(width - 2 * Theme.margin, 1100)
                                                 : (width - 3 * Theme.margin) / 2

    MouseArea { objectName: "doneTapArea"; anchors.fill: parent; onClicked: vm.goHome() }

    // Portrait: one column. Landscape: the number on the left, where to go on the right.
    Grid {
        anchors.centerIn: parent
        columns: page.portrait ? 1 : 2
        columnSpacing: Theme.margin
        rowSpacing: Theme.spacing
        verticalItemAlignment: Grid.AlignVCenter

        Column {
            width: page.columnWidth
            spacing: Theme.spacing
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("您的号码是")
                color: Theme.textSecondary
                font.pixelSize: Theme.fontLarge
            }
            Text {
                objectName: "ticketNumber"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: page.ticket.number
                color: Theme.accent
                // 长辈模式: the number a little smaller, so the bigger words around it still fit
                font.pixelSize: Theme.elder ? 180 : Theme.fontNumber
                font.bold: true
            }
            Row {
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: Theme.spacing
                Repeater {
                    // The kind always; 优先 and 补打 only when they apply.
                    model: [
                        {name: "ticketKind", label: page.ticket.kindLabel, show: true},
                        {name: "priorityMark", label: qsTr("优先"), show: page.ticket.priority},
                        {name: "appointmentMark", label: qsTr("预约"), show: page.ticket.appointmentSlot !== ""},
                        {name: "reprintMark", label: qsTr("补打"), show: page.ticket.reprint}
                    ]
                    Rectangle {
                        required property var modelData
                        objectName: modelData.name
                        visible: modelData.show
                        readonly property string text: modelData.label
                        width: chip.implicitWidth + 2 * Theme.spacing
                        height: chip.implicitHeight + 20
                        radius: height / 2
                        color: Theme.accentSoft
                        border.color: Theme.accent
                        border.width: 2
                        Text {
                            id: chip
                            anchors.centerIn: parent
                            text: parent.text
                            color: Theme.accent
                            font.pixelSize: Theme.fontLarge
                            font.bold: true
                        }
                    }
                }
            }
            // Why the ticket says 优先 or 补打, in a sentence, so nobody wonders at the window.
            Text {
                objectName: "priorityNote"
                width: parent.width
                visible: page.ticket.priority
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("您年满%1岁，已为您优先安排").arg(vm.priorityAge)
                color: Theme.accent
                font.pixelSize: Theme.fontBody
                font.bold: true
            }
            Text {
                objectName: "appointmentNote"
                width: parent.width
                visible: page.ticket.appointmentSlot !== ""
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("已签到。%1 之间优先为您叫号").arg(page.ticket.appointmentSlot)
                color: Theme.accent
                font.pixelSize: Theme.fontBody
                font.bold: true
            }
            Text {
                objectName: "reprintNote"
                width: parent.width
                visible: page.ticket.reprint
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("您已经取过这个事项的号，这是补打的号票")
                color: Theme.text
                font.pixelSize: Theme.fontBody
            }
        }

        Column {
            width: page.columnWidth
            spacing: Theme.spacing
            Text {
                objectName: "ticketItem"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: page.ticket.itemName
                color: Theme.text
                font.pixelSize: Theme.fontLarge
            }
            Text {
                objectName: "ticketWindow"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("请到 %1 等候叫号").arg(page.ticket.windowGroupName)
                color: Theme.text
                font.pixelSize: Theme.fontBody
            }
            Text {
                objectName: "ticketWait"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: page.ticket.peopleAhead > 0
                      ? qsTr("前面还有 %1 人，预计等候约 %2 分钟").arg(page.ticket.peopleAhead).arg(page.ticket.waitMin)
                      : qsTr("前面没有人在等，请留意叫号")
                color: Theme.text
                font.pixelSize: Theme.fontBody
            }
            Rectangle {
                width: parent.width
                height: takeIt.implicitHeight + 2 * Theme.spacing
                radius: Theme.radius
                color: Theme.noticeBackground
                border.color: Theme.noticeLine
                border.width: 3
                Text {
                    id: takeIt
                    objectName: "takeTicketText"
                    anchors.centerIn: parent
                    width: parent.width - 2 * Theme.spacing
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    text: qsTr("请取走您的号票")
                    color: Theme.noticeText
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                }
            }
            // What may follow the ticket, side by side: the item's forms, and 好差评 (neither in
            // landscape 长辈模式, which has no room for them: both are on the home screen).
            Row {
                id: after
                visible: page.portrait || !Theme.elder
                width: parent.width
                spacing: Theme.spacing
                readonly property int count: forms.visible ? 2 : 1
                readonly property real cell: (width - (count - 1) * spacing) / count
                BigButton {
                    id: forms
                    objectName: "formsAfterTicketButton"
                    visible: page.ticket.hasForms
                    width: after.cell
                    primary: false
                    text: qsTr("打印这项业务的申请表")
                    fontSize: Theme.fontBody
                    detail: Theme.elder ? "" : qsTr("刷身份证自动填好，省得手写")
                    onClicked: vm.openForms()
                }
                BigButton {
                    objectName: "doneEvaluate"
                    width: after.cell
                    height: forms.visible ? forms.height : implicitHeight
                    primary: false
                    text: qsTr("为这次服务评价")
                    fontSize: Theme.fontBody
                    onClicked: vm.evaluation.open()
                }
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("点击屏幕返回首页（%1 秒后自动返回）").arg(vm.doneRemaining)
                color: Theme.textSecondary
                font.pixelSize: Theme.fontSmall
            }
        }
    }
}
