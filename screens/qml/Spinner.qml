import QtQuick

// A quiet rotating ring of dots: "something is happening, please wait".
Item {
    id: spinner
    width: 200; height: 200
    Repeater {
        model: 12
        Rectangle {
            required property int index
            width: 26; height: 26; radius: 13
            color: Theme.accent
            opacity: 0.15 + 0.85 * index / 11
            x: spinner.width / 2 - width / 2 + Math.cos(index / 12 * 2 * Math.PI) * 80
            y: spinner.height / 2 - height / 2 + Math.sin(index / 12 * 2 * Math.PI) * 80
        }
    }
    RotationAnimator on rotation {
        from: 0; to: 360; duration: 1400
        loops: Animation.Infinite
        running: spinner.visible
    }
}
