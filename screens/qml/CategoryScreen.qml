import QtQuick

// The six kinds of business as big tiles, and a way to search when the citizen knows the name.
Item {
    id: page
    objectName: "categoryScreen"
    readonly property bool portrait: height > width
    readonly property int columns: portrait ? 2 : 3
    readonly property int rows: Math.ceil(vm.categories.length / columns)

    Text {
        id: title
        x: Theme.margin; y: Theme.margin
        width: parent.width - 2 * Theme.margin
        text: qsTr("请选择您要办理的业务类别")
        color: Theme.text
        font.pixelSize: Theme.fontTitle
        font.bold: true
        wrapMode: Text.Wrap
    }

    BigButton {
        id: searchEntry
        objectName: "searchEntry"
        anchors.top: title.bottom
        anchors.topMargin: Theme.spacing
        x: Theme.margin
        width: parent.width - 2 * Theme.margin
        primary: false
        text: qsTr("搜索事项名称")
        detail: qsTr("可以输入拼音首字母，例如 sbk 找社保卡")
        fontSize: Theme.fontBody
        onClicked: vm.openSearch()
    }

    Grid {
        id: tiles
        anchors.top: searchEntry.bottom
        anchors.topMargin: Theme.spacing
        anchors.bottom: nav.top
        anchors.bottomMargin: Theme.spacing
        x: Theme.margin
        width: parent.width - 2 * Theme.margin
        columns: page.columns
        spacing: Theme.spacing
        readonly property real tileWidth: (width - (columns - 1) * spacing) / columns
        readonly property real tileHeight: Math.min(360, (height - (page.rows - 1) * spacing) / Math.max(1, page.rows))

        Repeater {
            model: vm.categories
            BigButton {
                required property var modelData
                objectName: "categoryTile_" + modelData.code
                width: tiles.tileWidth
                height: tiles.tileHeight
                primary: false
                text: vm.english && modelData.nameEn ? modelData.nameEn : modelData.name
                fontSize: vm.english ? Theme.fontBody : Theme.fontLarge
                detail: qsTr("%n 个事项", "", modelData.count)
                onClicked: vm.openCategory(modelData.code)
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
