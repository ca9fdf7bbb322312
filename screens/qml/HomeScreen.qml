import QtQuick

// Home: today's date and time, a welcome, and one big button. When no ticket can be printed
// the button greys out and a notice says why in plain words; it comes back by itself.
Item {
    id: home
    objectName: "homeScreen"
    readonly property bool portrait: height > width
    property date now: new Date()
    Timer { interval: 1000; running: true; repeat: true; onTriggered: home.now = new Date() }

    Grid {
        anchors.centerIn: parent
        columns: home.portrait ? 1 : 2
        columnSpacing: 2 * Theme.margin
        rowSpacing: 2 * Theme.margin
        horizontalItemAlignment: Grid.AlignHCenter
        verticalItemAlignment: Grid.AlignVCenter

        Column {
            id: welcome
            width: home.portrait ? home.width - 2 * Theme.margin : home.width * 0.42
            spacing: Theme.spacing
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
                font.pixelSize: 160
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

        Column {
            width: home.portrait ? home.width - 2 * Theme.margin : home.width * 0.42
            spacing: Theme.margin

            Banner {
                objectName: "availabilityBanner"
                width: parent.width
                visible: !vm.ticketAvailable
                text: vm.availabilityText
            }

            BigButton {
                objectName: "takeNumberButton"
                width: parent.width
                height: Math.max(360, implicitHeight)
                enabled: vm.ticketAvailable
                text: qsTr("取号")
                fontSize: vm.english ? Theme.fontTitle + 16 : Theme.fontHuge
                detail: qsTr("选择要办的事，打印排队号票")
                detailSize: Theme.fontBody
                onClicked: vm.openCategories()
            }

            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("不会操作？请到咨询台，工作人员会帮您。")
                color: Theme.textSecondary
                font.pixelSize: Theme.fontSmall
            }
        }
    }
}
