import QtQuick

// 请工作人员帮忙 (长辈模式): a big message staff can read from across the hall, and the citizen
// told whether the windows were paged. Stays until the citizen or staff taps 好的.
Rectangle {
    id: overlay
    objectName: "helpOverlay"
    visible: vm.elder.help !== ""
    color: "#CC1B1F24"
    MouseArea { anchors.fill: parent }      // nothing underneath takes a tap meanwhile

    Rectangle {
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.margin
        height: column.implicitHeight + 2 * Theme.margin
        radius: Theme.radius
        color: Theme.noticeBackground
        border.color: Theme.noticeLine
        border.width: 4
        Column {
            id: column
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.margin
            spacing: Theme.spacing
            Text {
                objectName: "helpText"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("这位市民需要帮助")
                color: Theme.noticeText
                font.pixelSize: Theme.fontHuge * 0.8
                font.bold: true
            }
            Text {
                objectName: "helpStatus"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: vm.elder.help === "paged" ? qsTr("已通知窗口工作人员，请稍候，马上有人过来帮您。")
                    : vm.elder.help === "local" ? qsTr("请稍候，工作人员马上过来帮您；也可以到咨询台找工作人员。")
                    : qsTr("请稍候，工作人员马上过来帮您。")
                color: Theme.text
                font.pixelSize: Theme.fontLarge
            }
            BigButton {
                objectName: "helpDoneButton"
                anchors.horizontalCenter: parent.horizontalCenter
                width: Math.min(parent.width, 600)
                text: qsTr("好的")
                onClicked: vm.elder.dismissHelp()
            }
        }
    }
}
