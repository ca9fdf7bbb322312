import QtQuick

// One form: until a card is read, ask for it; then the filled form as it will be printed (the
// screen faces the hall, so names and numbers are shown masked) and one button to print it.
Item {
    id: page
    objectName: "formScreen"
    readonly property bool identified: vm.citizen.identified

    Column {
        id: top
        anchors.top: parent.top
        anchors.topMargin: Theme.spacing
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 2 * Theme.margin, 1100)
        spacing: Theme.spacing

        Text {
            objectName: "formTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: vm.forms.title
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Banner {
            objectName: "formProblem"
            width: parent.width
            visible: vm.forms.problem !== ""
            text: vm.forms.problem
        }
        Banner {
            width: parent.width
            visible: vm.forms.problem === "" && !vm.forms.printerReady
            text: vm.forms.printerNote
        }
    }

    CardPrompt {
        objectName: "formCardPrompt"
        visible: !page.identified
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 1100)
    }

    Rectangle {
        id: paper
        visible: page.identified
        anchors.top: top.bottom
        anchors.topMargin: Theme.spacing
        anchors.bottom: printButton.top
        anchors.bottomMargin: Theme.spacing
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 2 * Theme.margin, height / 1.414)
        color: "white"
        border.color: Theme.line; border.width: 2
        Image {
            objectName: "formPreview"
            anchors.fill: parent
            anchors.margins: 2
            fillMode: Image.PreserveAspectFit
            cache: false
            visible: vm.forms.hasPreview
            source: vm.forms.hasPreview ? "image://form/" + vm.forms.previewNo : ""
        }
        Spinner { anchors.centerIn: parent; visible: !vm.forms.hasPreview }
    }

    BigButton {
        id: printButton
        objectName: "printFormButton"
        visible: page.identified
        enabled: vm.forms.hasPreview && vm.forms.printerReady
        anchors.bottom: nav.top
        anchors.bottomMargin: Theme.spacing
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        text: vm.forms.problem !== "" ? qsTr("再打印一次") : qsTr("打印这张表")
        detail: qsTr("打印出来的是完整信息，屏幕上为保护隐私做了遮挡")
        onClicked: vm.forms.print()
    }

    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        onBackClicked: vm.back()
        onHomeClicked: vm.goHome()
    }
}
