import QtQuick

// What kind of ticket: only the kinds this item offers, each with one line saying what it is
// for, and the materials to bring, so nobody queues for an hour without their documents.
Item {
    id: page
    objectName: "kindScreen"
    readonly property bool portrait: height > width
    readonly property var item: vm.currentItem
    readonly property real columnWidth: portrait ? width - 2 * Theme.margin : (width - 3 * Theme.margin) / 2

    function explanation(kind) {
        if (kind === "accept") return qsTr("递交材料，办理业务")
        if (kind === "consult") return qsTr("先问问政策、流程和要带的材料")
        return qsTr("领取已经办好的证件或材料")
    }

    // Portrait: one column (item, kinds, materials). Landscape: the item and its materials on the
    // left, the kinds on the right, so everything fits above the navigation bar.
    // In 长辈模式 the bigger words may not all fit above the navigation bar: then the page scrolls.
    Flickable {
        id: area
        objectName: "kindArea"
        anchors.top: parent.top
        anchors.bottom: nav.top
        width: parent.width
        contentHeight: Math.max(left.y + left.height, right.y + right.height) + Theme.spacing
        clip: true
        boundsBehavior: Flickable.StopAtBounds

    Column {
        id: left
        x: Theme.margin; y: Theme.spacing
        width: page.columnWidth
        spacing: Theme.spacing

        Column {
            width: parent.width
            spacing: 8
            Text {
                objectName: "itemTitle"
                width: parent.width
                text: vm.english && page.item.nameEn ? page.item.nameEn : page.item.name
                color: Theme.text
                font.pixelSize: Theme.fontTitle
                font.bold: true
                wrapMode: Text.Wrap
            }
            Text {
                width: parent.width
                text: vm.english && page.item.departmentEn ? page.item.departmentEn : page.item.department
                color: Theme.textSecondary
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.Wrap
            }
            // The queue this item joins, as the hall last said: an estimate, and it says so.
            Text {
                objectName: "expectedWait"
                width: parent.width
                visible: page.item.waitMin >= 0
                text: page.item.waitPeople === 0 ? qsTr("现在不用排队")
                    : qsTr("现在约有 %1 人在等，预计等候约 %2 分钟").arg(page.item.waitPeople).arg(page.item.waitMin)
                color: Theme.accent
                font.pixelSize: Theme.fontBody
                wrapMode: Text.Wrap
            }
        }

        Loader { sourceComponent: page.portrait ? kinds : materialsBox; width: parent.width }
        Loader { sourceComponent: page.portrait ? materialsBox : null; width: parent.width }
    }

    Loader {
        id: right
        active: !page.portrait
        x: 2 * Theme.margin + page.columnWidth; y: Theme.spacing
        width: page.columnWidth
        sourceComponent: kinds
    }
    }

    Component {
        id: kinds
        Column {
            id: kindColumn
            spacing: Theme.spacing
            // Room left for the buttons above the navigation bar, shared between the kinds.
            readonly property real room: page.height - Theme.navBarHeight - Theme.spacing
                                         - (page.portrait ? 420 : 200) - (banner.visible ? banner.height : 0)
            readonly property real buttonHeight: Math.max(Theme.touchMin + 20,
                Math.min(Theme.elder ? 280 : 200, room / Math.max(1, page.item.kinds.length) - Theme.spacing))

            Banner {
                id: banner
                objectName: "kindBanner"
                width: parent.width
                visible: !vm.ticketAvailable
                text: vm.availabilityText
            }
            Text {
                width: parent.width
                visible: page.portrait || !Theme.elder      // landscape 长辈模式: the voice asks it
                text: qsTr("请选择取号类型")
                color: Theme.text
                font.pixelSize: Theme.fontLarge
                wrapMode: Text.Wrap
            }
            Repeater {
                model: page.item.kinds
                BigButton {
                    required property var modelData
                    objectName: "kindButton_" + modelData.kind
                    width: kindColumn.width
                    height: Math.max(kindColumn.buttonHeight, implicitHeight)     // never cut its words
                    enabled: vm.ticketAvailable
                    text: vm.english ? modelData.labelEn : modelData.label
                    fontSize: height >= 190 ? Theme.fontTitle : Theme.fontLarge
                    detail: page.portrait || !Theme.elder ? page.explanation(modelData.kind) : ""
                    detailSize: height >= 190 ? Theme.fontBody - 4 : Theme.fontSmall
                    onClicked: vm.chooseKind(modelData.kind)
                }
            }
        }
    }

    Component {
        id: materialsBox
        Rectangle {
            objectName: "materialsBox"
            visible: page.item.materials.length > 0
            height: materials.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Theme.accentSoft
            Column {
                id: materials
                x: Theme.spacing; y: Theme.spacing
                width: parent.width - 2 * Theme.spacing
                spacing: 12
                Text {
                    width: parent.width
                    text: qsTr("办理时请带上：")
                    color: Theme.accent
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Repeater {
                    model: page.item.materials
                    Text {
                        required property string modelData
                        width: materials.width
                        text: "• " + modelData
                        color: Theme.text
                        font.pixelSize: Theme.fontBody
                        wrapMode: Text.Wrap
                    }
                }
            }
        }
    }

    // Said where the page goes on below the glass, so nobody misses the materials to bring.
    Rectangle {
        objectName: "moreBelow"
        visible: area.contentHeight > area.height + 1 && !area.atYEnd
        anchors.bottom: nav.top
        width: parent.width
        height: moreText.implicitHeight + Theme.spacing
        color: Theme.accentSoft
        Text {
            id: moreText
            anchors.centerIn: parent
            text: qsTr("下面还有内容，请用手指向上滑动查看")
            color: Theme.accent
            font.pixelSize: Theme.fontSmall
            font.bold: true
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
