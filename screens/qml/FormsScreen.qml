import QtQuick

// 表单打印: the application forms the kiosk can fill from the ID card, one big button each
// (the forms of the business just queued for, or every form from the home screen).
Item {
    id: page
    objectName: "formsScreen"

    Column {
        anchors.top: parent.top
        anchors.topMargin: Theme.margin
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 2 * Theme.margin, 1100)
        spacing: Theme.spacing

        Text {
            width: parent.width
            wrapMode: Text.Wrap
            text: qsTr("请选择要打印的申请表")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            width: parent.width
            wrapMode: Text.Wrap
            text: qsTr("刷身份证后，表格会自动填好您的姓名、身份证号和住址，打印出来签字就可以了。")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
        Banner {
            objectName: "formPrinterNote"
            width: parent.width
            visible: !vm.forms.printerReady
            text: vm.forms.printerNote
        }
        Repeater {
            model: vm.forms.forms
            BigButton {
                required property var modelData
                objectName: "form_" + modelData.id
                width: parent.width
                primary: false
                text: modelData.title
                onClicked: vm.forms.choose(modelData.id)
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
