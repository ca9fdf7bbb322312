import QtQuick
import QtQuick.Controls.Basic

// For the technician: every device with its state, reason and details; a test print, a test read
// per card reader; language; closing the app. Plain and dense on purpose, but still readable at
// arm's length.
Item {
    id: page
    objectName: "techScreen"
    readonly property var tech: vm.tech
    readonly property bool portrait: height > width

    Text {
        id: title
        x: Theme.margin; y: Theme.spacing
        text: qsTr("设备状态")
        color: Theme.text
        font.pixelSize: Theme.fontTitle
        font.bold: true
    }

    // A Flickable rather than a ListView: the health is re-read every 2 s, and a ListView whose
    // model is replaced jumps back to the top, taking the lower rows away from the technician.
    Flickable {
        id: devices
        objectName: "deviceList"
        anchors.top: title.bottom
        anchors.topMargin: Theme.spacing
        anchors.bottom: page.portrait ? actions.top : parent.bottom
        anchors.bottomMargin: Theme.spacing
        x: Theme.margin
        width: page.portrait ? parent.width - 2 * Theme.margin : actions.x - 2 * Theme.margin
        clip: true
        contentWidth: width
        contentHeight: rows.implicitHeight
        boundsBehavior: Flickable.StopAtBounds
        // More devices than fit (landscape): a bar that is always there says "scroll for more".
        ScrollBar.vertical: ScrollBar {
            policy: devices.contentHeight > devices.height ? ScrollBar.AlwaysOn : ScrollBar.AsNeeded
        }

        function reveal(item) {     // scroll just enough for the whole row to be seen
            const top = item.y, bottom = item.y + item.height
            if (bottom > contentY + height) contentY = Math.max(0, Math.min(top, bottom - height))
            else if (top < contentY) contentY = top
        }

        // Above the devices, so they are seen first in either orientation: the test print's
        // answer, spoiled numbers, and today's 好差评 with what waits for the province.
        Column {
            id: rows
            width: devices.width
            spacing: Theme.spacing
            Text {
                objectName: "testPrintResult"
                width: rows.width
                visible: text !== ""
                text: page.tech.testPrintState === "printing" ? qsTr("正在打印测试页…")
                    : page.tech.testPrintState === "ok" ? qsTr("测试页已打印，请检查出票口")
                    : page.tech.testPrintMessage
                wrapMode: Text.Wrap
                color: page.tech.testPrintState === "failed" ? Theme.stateFault : Theme.text
                font.pixelSize: Theme.fontBody
            }
            Text {
                objectName: "spoiledNumbers"
                width: rows.width
                visible: text !== ""
                text: page.tech.spoiledText
                wrapMode: Text.Wrap
                color: Theme.stateFault
                font.pixelSize: Theme.fontBody
            }
            Text {
                objectName: "evaluationCounts"
                width: rows.width
                visible: text !== ""
                text: page.tech.evaluationText
                wrapMode: Text.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontSmall
            }
            BigButton {
                objectName: "uploadEvaluationsButton"
                visible: page.tech.evaluationsWaiting
                width: rows.width
                primary: false
                text: qsTr("立即报送评价")
                fontSize: Theme.fontBody
                onClicked: page.tech.uploadEvaluationsNow()
            }
            // 立即自检 with its answer under it, above the devices (the action column is full in landscape).
            BigButton {
                objectName: "selfTestButton"
                width: rows.width
                primary: false
                enabled: !page.tech.selfTestRunning
                text: qsTr("立即自检")
                fontSize: Theme.fontBody
                onClicked: page.tech.runSelfTest()
            }
            Text {
                objectName: "selfTestResult"
                width: rows.width
                visible: text !== ""
                text: page.tech.selfTestRunning ? qsTr("正在自检…") : page.tech.selfTestText
                wrapMode: Text.Wrap
                color: page.tech.selfTestText.indexOf("\n") >= 0 ? Theme.stateFault : Theme.text
                font.pixelSize: Theme.fontBody
            }
            Text {
                objectName: "kioskHistory"
                width: rows.width
                visible: page.tech.kioskHistory !== ""
                text: qsTr("自助机今日记录") + "\n" + page.tech.kioskHistory
                wrapMode: Text.Wrap
                color: Theme.textSecondary
                font.pixelSize: 28
            }
            Repeater {
                model: page.tech.health
                DeviceRow {
                    required property var modelData
                    health: modelData
                    tech: page.tech
                    width: rows.width
                }
            }
        }
    }

    // A test read's answer appears in its reader's row: scroll it into view. For a moment, as
    // the rows are rebuilt by the health refresh and grow to hold the answer.
    Connections {
        target: page.tech
        function onTestReadChanged() { revealAnswer.ticks = 0; revealAnswer.restart() }
    }
    Timer {
        id: revealAnswer
        property int ticks: 0
        interval: 50; repeat: true
        onTriggered: {
            for (const row of rows.children)
                if (row.health && row.health.role === page.tech.testReadRole) devices.reveal(row)
            if (++ticks >= 12) stop()
        }
    }

    Column {
        id: actions
        // Portrait: under the list. Landscape: a column on the right, the list gets the height.
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.spacing
        x: page.portrait ? Theme.margin : parent.width - Theme.margin - width
        width: page.portrait ? parent.width - 2 * Theme.margin : 440
        spacing: Theme.spacing

        Grid {
            columns: page.portrait ? 2 : 1
            spacing: Theme.spacing
            readonly property real cell: (parent.width - (columns - 1) * spacing) / columns
            BigButton {
                objectName: "testPrintButton"
                width: parent.cell
                enabled: page.tech.testPrintState !== "printing"
                text: qsTr("打印测试页")
                fontSize: Theme.fontBody
                onClicked: page.tech.testPrint()
            }
            BigButton {
                objectName: "techLanguageButton"
                width: parent.cell
                primary: false
                text: vm.english ? "切换到中文" : "Switch to English"
                fontSize: Theme.fontBody
                onClicked: vm.toggleLanguage()
            }
            BigButton {
                objectName: "quitButton"
                width: parent.cell
                primary: false
                text: qsTr("退出程序")
                fontSize: Theme.fontBody
                onClicked: vm.closeApp()
            }
            BigButton {
                objectName: "calibrationButton"
                visible: vm.calibration.available
                width: parent.cell
                primary: false
                text: qsTr("表格打印机校准")
                fontSize: Theme.fontBody
                onClicked: vm.openCalibration()
            }
            BigButton {
                objectName: "lockerStaffButton"
                visible: vm.lockersOffered
                width: parent.cell
                primary: false
                text: qsTr("取件柜管理")
                fontSize: Theme.fontBody
                onClicked: vm.openLockers()
            }
            BigButton {
                objectName: "techBackButton"
                width: parent.cell
                primary: false
                text: qsTr("返回首页")
                fontSize: Theme.fontBody
                onClicked: vm.goHome()
            }
        }
    }
}
