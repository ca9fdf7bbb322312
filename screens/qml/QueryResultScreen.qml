import QtQuick
import QtQuick.Controls.Basic

// The answer, masked by the hall's rules, one card per record; 仅供查询 on screen and on paper.
// Leaving this screen wipes it.
Item {
    id: page
    objectName: "queryResultScreen"
    readonly property var model: vm.queries

    Column {
        id: head
        x: Theme.margin; y: Theme.spacing
        width: parent.width - 2 * Theme.margin
        spacing: Theme.spacing / 2
        Row {
            spacing: Theme.spacing
            Text {
                text: page.model.title
                color: Theme.text
                font.pixelSize: Theme.fontTitle
                font.bold: true
            }
            Rectangle {
                anchors.verticalCenter: parent.verticalCenter
                width: mark.implicitWidth + 2 * Theme.spacing
                height: mark.implicitHeight + 16
                radius: height / 2
                color: Theme.noticeBackground
                border.color: Theme.noticeLine
                border.width: 2
                Text {
                    id: mark
                    objectName: "forReferenceOnly"
                    anchors.centerIn: parent
                    text: qsTr("仅供查询")
                    color: Theme.noticeText
                    font.pixelSize: Theme.fontSmall
                    font.bold: true
                }
            }
        }
    }

    ListView {
        id: list
        objectName: "queryRows"
        anchors.top: head.bottom
        anchors.topMargin: Theme.spacing
        anchors.bottom: actions.top
        anchors.bottomMargin: Theme.spacing
        x: Theme.margin
        width: parent.width - 2 * Theme.margin
        clip: true
        spacing: Theme.spacing / 2
        model: page.model.rows
        boundsBehavior: Flickable.StopAtBounds
        rightMargin: contentHeight > height ? 28 : 0
        ScrollBar.vertical: ScrollBar {
            policy: list.contentHeight > list.height ? ScrollBar.AlwaysOn : ScrollBar.AlwaysOff
            width: 16
            contentItem: Rectangle { implicitWidth: 16; radius: 8; color: Theme.accent; opacity: 0.6 }
        }
        delegate: Rectangle {
            id: record
            required property var modelData
            width: list.width - list.rightMargin
            height: fields.implicitHeight + Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.line
            border.width: 2
            Column {
                id: fields
                x: Theme.spacing; y: Theme.spacing / 2
                width: parent.width - 2 * Theme.spacing
                Repeater {
                    model: record.modelData
                    Text {
                        required property var modelData
                        width: fields.width
                        wrapMode: Text.Wrap
                        text: modelData.label + "：" + modelData.value
                        color: Theme.text
                        font.pixelSize: Theme.fontBody
                    }
                }
            }
        }
    }

    Column {
        id: actions
        anchors.bottom: nav.top
        anchors.bottomMargin: Theme.spacing / 2
        x: Theme.margin
        width: parent.width - 2 * Theme.margin
        spacing: Theme.spacing / 2
        Text {
            objectName: "queryPrintText"
            width: parent.width
            visible: text !== ""
            wrapMode: Text.Wrap
            text: page.model.printText
            color: page.model.printState === "failed" ? Theme.noticeText : Theme.accent
            font.pixelSize: Theme.fontBody
        }
        Row {
            width: parent.width
            spacing: Theme.spacing
            BigButton {
                objectName: "printQueryButton"
                visible: page.model.printable
                width: (parent.width - parent.spacing) / 2
                enabled: page.model.printState !== "printing"
                text: page.model.printA4 ? qsTr("打印A4纸") : qsTr("打印小票")
                onClicked: page.model.print()
            }
            BigButton {
                objectName: "queryEvaluate"
                width: page.model.printable ? (parent.width - parent.spacing) / 2 : parent.width
                primary: false
                text: qsTr("为这次服务评价")
                fontSize: Theme.fontBody
                onClicked: vm.evaluation.open()
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
