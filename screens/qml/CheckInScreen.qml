import QtQuick

// 预约取号: the camera's live picture with a frame showing where to hold the phone, and the card
// prompt beside it - whichever the citizen does first is fine. If the camera is out of
// service, its picture gives way to a calm sentence and the card still works.
Item {
    id: page
    objectName: "checkInScreen"
    readonly property bool portrait: height > width
    readonly property var model: vm.appointments
    readonly property real columnWidth: portrait ? width - 2 * Theme.margin : (width - 3 * Theme.margin) / 2

    Grid {
        x: Theme.margin; y: Theme.spacing
        columns: page.portrait ? 1 : 2
        columnSpacing: Theme.margin
        rowSpacing: Theme.spacing

        Column {
            id: scanColumn
            width: page.columnWidth
            spacing: Theme.spacing / 2
            // The picture takes what the words and notices leave above the navigation bar
            // (landscape, English), keeping the camera's 16:9.
            readonly property real roomForPreview: page.height - Theme.navBarHeight - 2 * Theme.spacing
                - title.height - hint.height - (outBanner.visible ? outBanner.height : 0) - 3 * spacing

            Text {
                id: title
                width: parent.width
                wrapMode: Text.Wrap
                text: qsTr("请扫预约码，或刷身份证、社保卡")
                color: Theme.text
                font.pixelSize: vm.english ? Theme.fontLarge - 8 : Theme.fontLarge + 4
                font.bold: true
            }
            Text {
                id: hint
                width: parent.width
                wrapMode: Text.Wrap
                text: qsTr("在微信里打开预约记录，把二维码对准下面的方框")
                color: Theme.textSecondary
                font.pixelSize: Theme.fontBody
                visible: page.model.scannerReady
            }

            // The camera's picture, mirrored like a looking glass so moving the phone left moves
            // it left on screen; the guide frame is where a code reads best.
            Rectangle {
                objectName: "cameraPreview"
                height: page.portrait ? parent.width * 9 / 16
                                      : Math.min(parent.width * 9 / 16, scanColumn.roomForPreview)
                width: height * 16 / 9
                anchors.horizontalCenter: parent.horizontalCenter
                radius: Theme.radius
                color: "#20262E"
                clip: true
                visible: page.model.scannerReady

                Image {
                    objectName: "cameraImage"
                    anchors.fill: parent
                    fillMode: Image.PreserveAspectCrop
                    cache: false
                    asynchronous: false
                    source: page.model.previewFrame > 0 ? "image://camera/" + page.model.previewFrame : ""
                    mirror: true
                }
                Rectangle {
                    objectName: "scanGuide"
                    anchors.centerIn: parent
                    width: parent.height * 0.7; height: width
                    color: "transparent"
                    radius: 16
                    border.color: "#FFFFFF"; border.width: 6
                    opacity: 0.85
                    // A line sweeping down the frame: "looking".
                    Rectangle {
                        x: 12; width: parent.width - 24; height: 6; radius: 3
                        color: "#7FD1FF"
                        NumberAnimation on y {
                            from: 12; to: page.model.scannerReady ? parent.height - 18 : 12
                            duration: 1800; loops: Animation.Infinite
                            running: page.visible && page.model.scannerReady
                        }
                    }
                }
            }

            Banner {
                id: outBanner
                objectName: "scannerOutBanner"
                width: parent.width
                visible: !page.model.scannerReady
                text: page.model.scannerNote
            }
            // Why a code was not taken: under the picture in portrait, beside it in landscape.
            Banner {
                objectName: "scanNotice"
                width: parent.width
                visible: page.portrait && text !== ""
                text: page.model.notice
            }
        }

        Column {
            width: page.columnWidth
            spacing: page.portrait ? Theme.spacing : Theme.spacing / 2
            CardPrompt {
                width: parent.width
                // Landscape: the pictures step back while a notice needs the room beside them.
                pictureScale: page.portrait ? 0.9 : (sideNotice.visible ? 0.45 : 1.0)
            }
            Banner {
                id: sideNotice
                objectName: "scanNotice"
                width: parent.width
                visible: !page.portrait && text !== ""
                text: page.model.notice
            }
            Text {
                objectName: "lookingUp"
                width: parent.width
                visible: page.model.searching
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("正在查找您的预约…")
                color: Theme.accent
                font.pixelSize: Theme.fontBody
            }
            Text {
                width: parent.width
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
                visible: !sideNotice.visible
                text: qsTr("没有预约？返回首页点「取号」就可以排队。")
                color: Theme.textSecondary
                font.pixelSize: Theme.fontSmall
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
