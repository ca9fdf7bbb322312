import QtQuick

// The appointments a swiped card found for today: tap one to check in. None found: say so
// kindly and offer an ordinary number straight away.
Item {
    id: page
    objectName: "appointmentsScreen"
    readonly property var found: vm.appointments.found

    Column {
        x: Theme.margin; y: Theme.spacing
        width: parent.width - 2 * Theme.margin
        spacing: Theme.spacing

        Text {
            width: parent.width
            wrapMode: Text.Wrap
            text: page.found.length > 0 ? qsTr("您今天有这些预约，请点选要签到的一项")
                                        : qsTr("今天没有查到您的预约")
            color: Theme.text
            font.pixelSize: Theme.fontTitle - 8
            font.bold: true
        }

        Repeater {
            model: page.found
            BigButton {
                required property var modelData
                objectName: "appointmentRow_" + modelData.id
                width: parent.width
                primary: false
                text: modelData.slot + "  " + modelData.itemName
                fontSize: Theme.fontLarge - 8
                detail: modelData.stateText
                detailSize: Theme.fontBody
                onClicked: vm.appointments.choose(modelData.id)
            }
        }

        Text {
            width: parent.width
            visible: page.found.length === 0
            wrapMode: Text.Wrap
            text: qsTr("如果预约时登记的是别人的证件，或者约的是别的日子，这里就查不到。您也可以直接现场取号。")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontBody
        }
        BigButton {
            objectName: "walkInButton"
            visible: page.found.length === 0
            width: parent.width
            enabled: vm.ticketAvailable
            text: qsTr("现场取号")
            detail: qsTr("选择要办的事，打印排队号票")
            onClicked: vm.walkIn()
        }
    }

    NavBar {
        anchors.bottom: parent.bottom
        width: parent.width
        onBackClicked: vm.back()
        onHomeClicked: vm.goHome()
    }
}
