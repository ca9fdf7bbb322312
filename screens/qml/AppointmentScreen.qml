import QtQuick

// One appointment, found by its code or the citizen's card: what it is for and when, then one
// button to check in and print the ticket. Too early says when check-in opens; too late offers
// an ordinary number instead, with the reason.
Item {
    id: page
    objectName: "appointmentScreen"
    readonly property var appointment: vm.appointments.current
    readonly property bool ready: appointment.state === "ready"

    Column {
        anchors.centerIn: parent
        anchors.verticalCenterOffset: -Theme.navBarHeight / 2
        width: Math.min(parent.width - 2 * Theme.margin, 1100)
        spacing: Theme.spacing

        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("找到您的预约")
            color: Theme.textSecondary
            font.pixelSize: Theme.fontLarge
        }
        Rectangle {
            width: parent.width
            height: details.implicitHeight + 2 * Theme.margin
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.line; border.width: 3
            Column {
                id: details
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.margin
                spacing: Theme.spacing / 2
                Text {
                    objectName: "appointmentItem"
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    text: page.appointment.itemName || ""
                    color: Theme.text
                    font.pixelSize: Theme.fontTitle - 8
                    font.bold: true
                }
                Text {
                    objectName: "appointmentSlot"
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: qsTr("预约时间 %1").arg(page.appointment.slot || "")
                    color: Theme.accent
                    font.pixelSize: Theme.fontLarge + 8
                    font.bold: true
                }
                Text {
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: page.appointment.kindLabel || ""
                    color: Theme.textSecondary
                    font.pixelSize: Theme.fontBody
                }
            }
        }
        Banner {
            objectName: "appointmentState"
            width: parent.width
            visible: !page.ready
            text: page.appointment.stateText || ""
        }
        Banner {
            width: parent.width
            visible: page.ready && !vm.ticketAvailable
            text: vm.availabilityText
        }
        BigButton {
            objectName: "checkInButton"
            visible: page.ready
            enabled: vm.ticketAvailable
            width: parent.width
            height: Math.max(220, implicitHeight)
            text: qsTr("签到并打印号票")
            fontSize: Theme.fontTitle
            detail: qsTr("预约的号在您的时段内优先叫号")
            onClicked: vm.confirmCheckIn()
        }
        BigButton {
            objectName: "walkInButton"
            visible: page.appointment.state === "lapsed"
            enabled: vm.ticketAvailable
            width: parent.width
            text: qsTr("改为现场取号")
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
