import QtQuick

// The form printer's calibration, for the technician: print the sheet, measure it with a ruler,
// nudge until the lines sit 20 mm from the edges and 170 / 257 mm apart, then save.
Item {
    id: page
    objectName: "calibrationScreen"
    readonly property var cal: vm.calibration

    component Stepper: Row {
        id: stepper
        property string which
        property string label
        property string value
        spacing: Theme.spacing
        Text {
            width: page.width - 2 * Theme.margin - 2 * 160 - 220 - 3 * Theme.spacing
            anchors.verticalCenter: parent.verticalCenter
            wrapMode: Text.Wrap
            text: stepper.label
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        BigButton {
            objectName: "calMinus_" + stepper.which
            width: 160
            primary: false
            text: "−"
            onClicked: page.cal.nudge(stepper.which, -1)
        }
        Text {
            objectName: "calValue_" + stepper.which
            width: 220
            anchors.verticalCenter: parent.verticalCenter
            horizontalAlignment: Text.AlignHCenter
            text: stepper.value
            color: Theme.text
            font.pixelSize: Theme.fontLarge
            font.bold: true
        }
        BigButton {
            objectName: "calPlus_" + stepper.which
            width: 160
            primary: false
            text: "+"
            onClicked: page.cal.nudge(stepper.which, 1)
        }
    }

    Column {
        anchors.top: parent.top
        anchors.topMargin: Theme.margin
        x: Theme.margin
        width: parent.width - 2 * Theme.margin
        spacing: Theme.spacing

        Text {
            text: qsTr("表格打印机校准")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            width: parent.width
            wrapMode: Text.Wrap
            text: qsTr("先打印校准页，用直尺量：竖线离左边、横线离上边都应是 20 毫米，两条竖线相距 170 毫米，两条横线相距 257 毫米。按校准页上的说明调整，再打印一张核对，量对了就保存。")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
        Stepper { which: "dx"; label: qsTr("左右偏移 dx（毫米）"); value: page.cal.dx.toFixed(1) }
        Stepper { which: "dy"; label: qsTr("上下偏移 dy（毫米）"); value: page.cal.dy.toFixed(1) }
        Stepper { which: "scale"; label: qsTr("缩放"); value: page.cal.scale.toFixed(3) }
        Text {
            objectName: "calState"
            width: parent.width
            wrapMode: Text.Wrap
            visible: text !== ""
            text: page.cal.state === "printing" ? qsTr("正在打印校准页…")
                : page.cal.state === "printed" ? qsTr("校准页已打印，请到表格打印机取出测量")
                : page.cal.state === "saved" ? qsTr("已保存，之后的表格都按这个校准打印")
                : page.cal.message
            color: page.cal.state === "failed" ? Theme.stateFault : Theme.text
            font.pixelSize: Theme.fontBody
        }
        Row {
            spacing: Theme.spacing
            BigButton {
                objectName: "calPrintButton"
                width: (page.width - 2 * Theme.margin - Theme.spacing) / 2
                enabled: page.cal.state !== "printing"
                text: qsTr("打印校准页")
                fontSize: Theme.fontBody
                onClicked: page.cal.printSheet()
            }
            BigButton {
                objectName: "calSaveButton"
                width: (page.width - 2 * Theme.margin - Theme.spacing) / 2
                primary: false
                text: qsTr("保存")
                fontSize: Theme.fontBody
                onClicked: page.cal.save()
            }
        }
    }

    NavBar {
        anchors.bottom: parent.bottom
        width: parent.width
        onBackClicked: vm.back()
        onHomeClicked: vm.goHome()
    }
}
