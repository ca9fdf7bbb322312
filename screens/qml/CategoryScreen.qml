import QtQuick

// The six kinds of business as big tiles, and a way to search when the citizen knows the name.
// Landscape puts the title and the search side by side, so the tiles keep their height even
// under the greeting strip of an identified citizen.
Item {
    id: page
    objectName: "categoryScreen"
    readonly property bool portrait: height > width
    readonly property int columns: portrait ? 2 : 3
    readonly property int rows: Math.ceil(vm.categories.length / columns)
    readonly property real headWidth: portrait ? width - 2 * Theme.margin : (width - 3 * Theme.margin) / 2

    // Landscape in 长辈模式 is too short for the title and big tiles both: the voice says the title.
    readonly property bool roomy: portrait || !Theme.elder

    Text {
        id: title
        visible: page.roomy
        x: Theme.margin
        y: page.portrait ? Theme.margin : Theme.spacing + Math.max(0, (searchEntry.height - height) / 2)
        width: page.headWidth
        text: qsTr("请选择您要办理的业务类别")
        color: Theme.text
        font.pixelSize: Theme.fontTitle
        font.bold: true
        wrapMode: Text.Wrap
    }

    BigButton {
        id: searchEntry
        objectName: "searchEntry"
        x: page.portrait ? Theme.margin : 2 * Theme.margin + page.headWidth
        y: page.portrait ? title.y + title.height + Theme.spacing : Theme.spacing
        width: page.headWidth
        primary: false
        text: qsTr("搜索事项名称")
        detail: page.roomy ? qsTr("可以输入拼音首字母，例如 sbk 找社保卡") : ""
        fontSize: Theme.fontBody
        onClicked: vm.openSearch()
    }

    // The tiles share the room above the navigation bar; where even that is too little for a
    // tile's words (landscape in 长辈模式, under a citizen's greeting) they keep their size and scroll.
    Flickable {
        id: tilesArea
        y: Math.max(title.visible ? title.y + title.height : 0, searchEntry.y + searchEntry.height) + tiles.spacing
        height: nav.y - tiles.spacing - y
        x: Theme.margin
        width: parent.width - 2 * Theme.margin
        contentHeight: tiles.y + tiles.height
        clip: true
        boundsBehavior: Flickable.StopAtBounds

    // 长辈模式: the business this kiosk issues most, first, one tap from its kinds.
    Column {
        id: usual
        width: parent.width
        spacing: tiles.spacing
        visible: Theme.elder && vm.usualItems.length > 0
        height: visible ? implicitHeight : 0
        Text {
            width: parent.width
            text: qsTr("大家常办的事")
            color: Theme.text
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
        Repeater {
            model: usual.visible ? vm.usualItems : []
            BigButton {
                required property var modelData
                objectName: "usualItem_" + modelData.code
                width: usual.width
                text: vm.english && modelData.nameEn ? modelData.nameEn : modelData.name
                fontSize: Theme.fontLarge
                onClicked: vm.openUsualItem(modelData.code)
            }
        }
        Text {
            width: parent.width
            text: qsTr("其他业务，请按类别找")
            color: Theme.text
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
    }

    Grid {
        id: tiles
        y: usual.visible ? usual.height + spacing : 0
        width: parent.width
        columns: page.columns
        spacing: page.portrait ? Theme.spacing : 24     // landscape is short: every pixel to the tiles
        readonly property real tileWidth: (width - (columns - 1) * spacing) / columns
        readonly property real tileHeight: Math.max(Theme.touchMin, Math.min(360,
            (tilesArea.height - (page.rows - 1) * spacing) / Math.max(1, page.rows)))

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
                detail: page.roomy ? qsTr("%n 个事项", "", modelData.count) : ""
                onClicked: vm.openCategory(modelData.code)
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
