import QtQuick

// 自助查询: the queries the hall offers, each saying what the citizen needs for it.
Item {
    id: page
    objectName: "queriesScreen"
    readonly property var model: vm.queries

    Column {
        x: Theme.margin; y: Theme.spacing
        width: parent.width - 2 * Theme.margin
        spacing: Theme.spacing
        Text {
            width: parent.width
            text: qsTr("自助查询")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            width: parent.width
            wrapMode: Text.Wrap
            text: qsTr("查到的结果只在这台机器上显示，离开时自动清除。")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontSmall
        }
        Repeater {
            model: page.model.queries
            BigButton {
                required property var modelData
                objectName: "query_" + modelData.id
                width: parent.width
                primary: false
                text: modelData.title
                detail: modelData.needs
                detailSize: Theme.fontSmall
                onClicked: page.model.choose(modelData.id)
            }
        }
    }

    NavBar {
        anchors.bottom: parent.bottom
        width: parent.width
        showBack: false
        onHomeClicked: vm.goHome()
    }
}
