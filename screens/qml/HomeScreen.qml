import QtQuick

// Home: today's date and time, a welcome, the card prompt (a card read goes straight to choosing
// the business) and the big button for a number without a card. When no ticket can be printed
// the card prompt steps aside, the button greys out and a notice says why in plain words; all of
// it comes back by itself.
Item {
    id: home
    objectName: "homeScreen"
    readonly property bool portrait: height > width
    readonly property real columnWidth: portrait ? width - 2 * Theme.margin : width * 0.44
    // Four services beside 取号 (预约取号, 表单打印, 自助取件, 自助查询): two rows of two, their titles
    // alone, and a smaller clock and card picture in portrait, so everything stays on the glass.
    readonly property int services: 1 + (vm.formsOffered ? 1 : 0) + (vm.lockersOffered ? 1 : 0)
                                      + (vm.queries.offered ? 1 : 0)
    readonly property bool crowded: services > 3 && !Theme.elder
    property date now: new Date(Date.now() + vm.hallClockOffsetMs)
    Timer { interval: 1000; running: true; repeat: true; onTriggered: home.now = new Date(Date.now() + vm.hallClockOffsetMs) }

    // Portrait: welcome, card prompt, button, one under the other. Landscape: the welcome and the
    // card prompt on the left, the button on the right.
    Grid {
        anchors.centerIn: parent
        columns: home.portrait ? 1 : 2
        columnSpacing: 2 * Theme.margin
        rowSpacing: home.crowded ? Theme.spacing : Theme.margin
        horizontalItemAlignment: Grid.AlignHCenter
        verticalItemAlignment: Grid.AlignVCenter

        Column {
            width: home.columnWidth
            spacing: home.crowded && home.portrait ? Theme.spacing : Theme.margin

            Column {
                id: welcome
                visible: !Theme.elder       // 长辈模式: the voice says the welcome, the room goes to the buttons
                width: parent.width
                spacing: 0
                Text {
                    objectName: "homeDate"
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: vm.english ? home.now.toLocaleDateString(Qt.locale("en_GB"), "dddd d MMMM yyyy")
                                     : home.now.toLocaleDateString(Qt.locale("zh_CN"), "yyyy年M月d日 dddd")
                    color: Theme.textSecondary
                    font.pixelSize: Theme.fontBody
                }
                Text {
                    objectName: "homeClock"
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: Qt.formatTime(home.now, "HH:mm")
                    color: Theme.text
                    font.pixelSize: home.portrait ? (home.crowded ? 96 : 124) : 100
                    font.bold: true
                }
                Text {
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    text: qsTr("您好，欢迎来办事")
                    color: Theme.text
                    font.pixelSize: Theme.fontTitle
                }
            }

            CardPrompt {
                width: parent.width
                pictureScale: Theme.elder ? 0.7 : home.portrait ? (home.crowded ? 0.75 : 1.05) : 1.0
                visible: vm.ticketAvailable
            }
        }

        Column {
            width: home.columnWidth
            spacing: Theme.spacing

            Banner {
                objectName: "availabilityBanner"
                width: parent.width
                visible: !vm.ticketAvailable
                text: vm.availabilityText
            }

            Text {
                objectName: "noCardHint"
                width: parent.width
                visible: vm.ticketAvailable
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("没有带卡也可以直接取号")
                color: Theme.text
                font.pixelSize: Theme.fontBody
            }

            BigButton {
                objectName: "takeNumberButton"
                width: parent.width
                // Landscape has the height of the glass only: with 预约取号, 表单打印 and 自助取件 below, less.
                height: Theme.elder ? implicitHeight
                        : Math.max(home.crowded ? 220 : home.portrait ? 260 : (secondary.count > 1 ? 240 : 360), implicitHeight)
                enabled: vm.ticketAvailable
                text: qsTr("取号")
                fontSize: vm.english ? Theme.fontTitle + 16 : Theme.fontHuge
                detail: Theme.elder || (home.crowded && !home.portrait) ? "" : qsTr("选择要办的事，打印排队号票")
                detailSize: Theme.fontBody
                onClicked: vm.openCategories()
            }

            // 预约取号 and 表单打印 side by side: the screen keeps room for the clock and the card prompt.
            // 长辈模式: their titles alone and big; in portrait two to a row.
            Grid {
                id: secondary
                width: parent.width
                spacing: Theme.spacing
                readonly property bool stacked: Theme.elder && home.portrait
                // Four in portrait: two rows of two, so each keeps its line of explanation.
                columns: stacked || count > 3 ? Math.min(2, count) : count
                readonly property int count: home.services
                readonly property real half: (width - (columns - 1) * spacing) / columns
                // Both as tall as the taller one: two buttons of one row, not two sizes.
                readonly property real buttonHeight: Theme.elder ? Theme.touchMin
                    : home.crowded ? Math.max(home.portrait ? 150 : 130, checkIn.implicitHeight)
                    : Math.max(home.portrait ? 180 : 160, checkIn.implicitHeight, forms.visible ? forms.implicitHeight : 0,
                               pickup.visible ? pickup.implicitHeight : 0, queries.visible ? queries.implicitHeight : 0)
                BigButton {
                    id: checkIn
                    objectName: "checkInButton"
                    width: secondary.half
                    height: secondary.buttonHeight
                    enabled: vm.ticketAvailable
                    primary: false
                    text: qsTr("预约取号")
                    fontSize: secondary.stacked ? Theme.fontLarge : home.crowded ? (vm.english ? Theme.fontBody : Theme.fontLarge)
                              : secondary.count > 2 && !home.portrait ? Theme.fontBody
                              : vm.english || secondary.count > 2 ? Theme.fontLarge : Theme.fontTitle
                    detail: Theme.elder || home.crowded ? "" : qsTr("在微信上预约过的，扫码或刷卡签到")
                    detailSize: Theme.fontSmall
                    onClicked: vm.openCheckIn()
                }
                BigButton {
                    id: forms
                    objectName: "formsButton"
                    visible: vm.formsOffered
                    width: secondary.half
                    height: secondary.buttonHeight
                    primary: false
                    text: qsTr("表单打印")
                    fontSize: secondary.stacked ? Theme.fontLarge : home.crowded ? (vm.english ? Theme.fontBody : Theme.fontLarge)
                              : secondary.count > 2 && !home.portrait ? Theme.fontBody
                              : vm.english || secondary.count > 2 ? Theme.fontLarge : Theme.fontTitle
                    detail: Theme.elder || home.crowded ? "" : qsTr("刷身份证，自动填好申请表")
                    detailSize: Theme.fontSmall
                    onClicked: vm.openForms()
                }
                BigButton {
                    id: pickup
                    objectName: "pickupButton"
                    visible: vm.lockersOffered
                    width: secondary.half
                    height: secondary.buttonHeight
                    primary: false
                    text: qsTr("自助取件")
                    fontSize: secondary.stacked ? Theme.fontLarge : home.crowded ? (vm.english ? Theme.fontBody : Theme.fontLarge)
                              : secondary.count > 2 && !home.portrait ? Theme.fontBody
                              : vm.english || secondary.count > 2 ? Theme.fontLarge : Theme.fontTitle
                    detail: Theme.elder || home.crowded ? "" : qsTr("凭短信取件码或刷卡取证件")
                    detailSize: Theme.fontSmall
                    onClicked: vm.openPickup()
                }
                BigButton {
                    id: queries
                    objectName: "queriesButton"
                    visible: vm.queries.offered
                    width: secondary.half
                    height: secondary.buttonHeight
                    primary: false
                    text: qsTr("自助查询")
                    fontSize: secondary.stacked ? Theme.fontLarge : home.crowded ? (vm.english ? Theme.fontBody : Theme.fontLarge)
                              : secondary.count > 2 && !home.portrait ? Theme.fontBody
                              : vm.english || secondary.count > 2 ? Theme.fontLarge : Theme.fontTitle
                    detail: Theme.elder || home.crowded ? "" : qsTr("办件进度、社保缴费、我的预约")
                    detailSize: Theme.fontSmall
                    onClicked: vm.queries.open()
                }
            }

            // The help (长辈模式) or where to find it, beside 评价服务 (好差评 on the visit as a whole).
            Row {
                width: parent.width
                spacing: Theme.spacing
                readonly property real side: Theme.elder ? (width - spacing) / 2 : Math.min(400, width * 0.42)
                BigButton {
                    id: helpButton
                    objectName: "helpButton"
                    visible: Theme.elder
                    width: parent.side
                    primary: false
                    text: qsTr("请工作人员帮忙")
                    onClicked: vm.elder.askForHelp()
                }
                Text {
                    visible: !Theme.elder
                    width: parent.width - parent.side - parent.spacing
                    anchors.verticalCenter: parent.verticalCenter
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    text: qsTr("不会操作？请到咨询台，工作人员会帮您。")
                    color: Theme.textSecondary
                    font.pixelSize: Theme.fontSmall
                }
                BigButton {
                    objectName: "evaluateButton"
                    width: parent.side
                    height: Theme.elder ? helpButton.height : implicitHeight
                    primary: false
                    text: qsTr("评价服务")
                    fontSize: Theme.elder ? Theme.fontLarge : Theme.fontBody
                    onClicked: vm.evaluation.open()
                }
            }
        }
    }
}
