import QtQuick
import QtQuick.Controls.Basic
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

// The items of one category (or search results) as big rows, with a search box and the
// on-screen pinyin keyboard. Letters typed in pinyin mode are searched as initials at once
// ("sbk" → 社会保障卡) even before a Chinese candidate is chosen.
Item {
    id: page
    objectName: "itemScreen"
    readonly property bool portrait: height > width
    readonly property bool typing: inputPanel.active
    // In landscape the keyboard sits to the right of the list instead of underneath it.
    readonly property bool keyboardBeside: typing && !portrait

    // Portrait: the title above the search box. Landscape: side by side to leave room for the
    // list; while typing there the keyboard takes the right half and the title steps aside.
    readonly property real titleWidth: portrait ? width - 2 * Theme.margin : width * 0.35

    Text {
        id: title
        visible: page.portrait || !page.typing
        x: Theme.margin
        y: page.portrait ? Theme.spacing : Theme.spacing + (Theme.touchMin - height) / 2
        width: page.titleWidth
        text: vm.searchText !== "" ? qsTr("搜索结果")
            : vm.currentCategory.code ? (vm.english && vm.currentCategory.nameEn ? vm.currentCategory.nameEn : vm.currentCategory.name)
            : qsTr("搜索事项")
        color: Theme.text
        font.pixelSize: Theme.fontTitle
        font.bold: true
        elide: Text.ElideRight
    }

    Rectangle {
        id: searchBox
        y: page.portrait ? title.y + title.height + Theme.spacing : Theme.spacing
        x: page.portrait || page.typing ? Theme.margin : 2 * Theme.margin + page.titleWidth
        width: page.portrait ? page.width - 2 * Theme.margin
             : page.typing ? page.width / 2 - 2 * Theme.margin
             : page.width - page.titleWidth - 3 * Theme.margin
        height: Theme.touchMin
        radius: Theme.radius
        color: Theme.surface
        border.color: search.activeFocus ? Theme.accent : Theme.line
        border.width: 3

        TextInput {
            id: search
            objectName: "searchField"
            anchors.fill: parent
            anchors.leftMargin: Theme.spacing
            anchors.rightMargin: clearButton.visible ? clearButton.width + Theme.spacing : Theme.spacing
            verticalAlignment: TextInput.AlignVCenter
            font.pixelSize: Theme.fontLarge
            color: Theme.text
            clip: true
            inputMethodHints: Qt.ImhNoPredictiveText
            // Search on committed text plus the pinyin still being typed (shown as "s b k").
            readonly property string query: (text + preeditText).replace(/[\s']/g, "")
            onQueryChanged: vm.search(query)
            Component.onCompleted: if (vm.searchText !== "") text = vm.searchText

            Text {
                anchors.fill: parent
                verticalAlignment: Text.AlignVCenter
                visible: search.text === "" && search.preeditText === ""
                text: qsTr("输入事项名称或拼音首字母")
                color: Theme.textSecondary
                font.pixelSize: Theme.fontBody
                elide: Text.ElideRight
            }
        }
        Text {
            id: clearButton
            objectName: "searchClear"
            visible: search.text !== "" || search.preeditText !== ""
            anchors.right: parent.right
            anchors.rightMargin: Theme.spacing
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("清空")
            color: Theme.accent
            font.pixelSize: Theme.fontBody
            MouseArea {
                anchors.fill: parent
                anchors.margins: -30
                onClicked: { Qt.inputMethod.reset(); search.text = "" }
            }
        }
    }

    ListView {
        id: list
        objectName: "itemList"
        anchors.top: searchBox.bottom
        anchors.topMargin: Theme.spacing
        anchors.bottom: page.typing && page.portrait ? inputPanel.top : nav.top
        anchors.bottomMargin: Theme.spacing / 2
        x: Theme.margin
        width: (page.keyboardBeside ? page.width / 2 : page.width) - 2 * Theme.margin
        clip: true
        spacing: 16
        model: vm.items
        boundsBehavior: Flickable.StopAtBounds
        rightMargin: list.contentHeight > list.height ? 28 : 0
        // Always visible when the list is longer than the screen: a citizen who never swiped a
        // phone still sees that there is more below.
        ScrollBar.vertical: ScrollBar {
            policy: list.contentHeight > list.height ? ScrollBar.AlwaysOn : ScrollBar.AlwaysOff
            width: 16
            contentItem: Rectangle { implicitWidth: 16; radius: 8; color: Theme.accent; opacity: 0.6 }
        }

        delegate: Rectangle {
            id: row
            required property var modelData
            objectName: "itemRow_" + modelData.code
            width: list.width - list.rightMargin
            height: Math.max(150, rowText.implicitHeight + 40)
            radius: Theme.radius
            color: rowTouch.pressed ? Theme.accentSoft : Theme.surface
            border.color: Theme.line
            border.width: 2
            readonly property string text: vm.english && modelData.nameEn ? modelData.nameEn : modelData.name
            Column {
                id: rowText
                anchors.verticalCenter: parent.verticalCenter
                x: Theme.spacing
                width: parent.width - 2 * Theme.spacing - 60
                spacing: 4
                Text {
                    width: parent.width
                    text: row.text
                    color: Theme.text
                    font.pixelSize: Theme.fontLarge - 4
                    wrapMode: Text.Wrap
                }
                Text {
                    width: parent.width
                    text: vm.english && row.modelData.departmentEn ? row.modelData.departmentEn : row.modelData.department
                    color: Theme.textSecondary
                    font.pixelSize: Theme.fontSmall
                    elide: Text.ElideRight
                }
            }
            Text {
                anchors.right: parent.right
                anchors.rightMargin: Theme.spacing
                anchors.verticalCenter: parent.verticalCenter
                text: "›"
                color: Theme.accent
                font.pixelSize: Theme.fontHuge
            }
            MouseArea { id: rowTouch; anchors.fill: parent; onClicked: vm.openItem(row.modelData.code) }
        }

        Text {
            objectName: "noResults"
            anchors.top: parent.top
            anchors.topMargin: Theme.margin
            width: parent.width
            visible: list.count === 0
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: vm.searchText !== "" ? qsTr("没有找到相关事项。请换个词试试，或到咨询台询问。")
                                       : qsTr("请在上面输入要办的事，例如“社保卡”或 sbk")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
    }

    InputPanel {
        id: inputPanel
        objectName: "keyboard"
        visible: active
        // Sized so each key is about 120 px tall: the stock design is for young thumbs.
        width: page.portrait ? page.width : page.width / 2
        x: page.portrait ? 0 : page.width / 2
        anchors.bottom: page.portrait ? nav.top : parent.bottom
        Component.onCompleted: inputPanel.keyboard.style.keyboardDesignWidth = 1600
    }

    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: page.keyboardBeside ? page.width / 2 : page.width
        onBackClicked: vm.back()
        onHomeClicked: vm.goHome()
    }

    Component.onCompleted: {
        VirtualKeyboardSettings.activeLocales = ["zh_CN", "en_GB"]
        VirtualKeyboardSettings.locale = "zh_CN"
        // Opened from "search": the keyboard comes up straight away.
        if (!vm.currentCategory.code) search.forceActiveFocus()
    }
}
