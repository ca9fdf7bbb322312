"""Every screen, registered once: its QML file and whether it counts down when left alone.

The view-model and Main.qml both read this table (Main.qml through `vm.screenFile`), so a screen
is added in one place, and a name that is not here is an error rather than a silent Home. The
citizen's screens are named after the visit's steps (kiosk.flows.visit), where the order of
the steps (and where 返回 leads) is decided; pin and tech are the technician's.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Screen:
    file: str
    idle: bool = False          # an unattended kiosk counts down back home from here


SCREENS: dict[str, Screen] = {
    # Home has nothing to reset, the printing screen must not be left mid-print, and the done
    # screen returns by itself: none of them counts down.
    "home": Screen("HomeScreen.qml"),
    "categories": Screen("CategoryScreen.qml", idle=True),
    "items": Screen("ItemScreen.qml", idle=True),
    "kind": Screen("KindScreen.qml", idle=True),
    "printing": Screen("PrintingScreen.qml"),
    "done": Screen("DoneScreen.qml"),
    "message": Screen("MessageScreen.qml", idle=True),
    "pin": Screen("PinScreen.qml", idle=True),
    "tech": Screen("TechScreen.qml", idle=True),
    "calibration": Screen("CalibrationScreen.qml", idle=True),
    "lockers": Screen("LockerStaffScreen.qml", idle=True),
    "checkin": Screen("CheckInScreen.qml", idle=True),
    "appointments": Screen("AppointmentsScreen.qml", idle=True),
    "appointment": Screen("AppointmentScreen.qml", idle=True),
    "forms": Screen("FormsScreen.qml", idle=True),
    "form": Screen("FormScreen.qml", idle=True),
    "form_printing": Screen("FormPrintingScreen.qml"),
    "form_done": Screen("FormDoneScreen.qml", idle=True),
    "pickup": Screen("PickupScreen.qml", idle=True),
    "pickup_opening": Screen("PickupOpeningScreen.qml"),
    "pickup_open": Screen("PickupOpenScreen.qml", idle=True),
    "pickup_done": Screen("PickupDoneScreen.qml", idle=True),
    "queries": Screen("QueriesScreen.qml", idle=True),
    "query": Screen("QueryScreen.qml", idle=True),
    "query_result": Screen("QueryResultScreen.qml", idle=True),
    "evaluate": Screen("EvaluationScreen.qml", idle=True),
    "evaluated": Screen("EvaluatedScreen.qml", idle=True),
}


class UnknownScreen(KeyError):
    """A screen name that is not registered (a typo in a screen change)."""


def check_screen(name: str) -> Screen:
    try:
        return SCREENS[name]
    except KeyError:
        raise UnknownScreen(f"no screen {name!r}; registered: {', '.join(SCREENS)}") from None


# What 读给我听 says on a citizen's screen (the view-model says the ticket on "done" and the
# message itself on "message"). Said in Chinese: the voice is Mandarin.
PROMPTS: dict[str, str] = {
    "home": "您好，欢迎来办事。请刷身份证或社保卡，没有带卡也可以直接点“取号”。在微信上预约过的，请点“预约取号”；"
            "要打印申请表，请点“表单打印”；来拿证件，请点“自助取件”。",
    "categories": "请选择您要办理的事项属于哪一类。",
    "items": "请选择您要办理的事项。找不到的话，可以在上面输入事项名称或拼音首字母查找。",
    "kind": "请选择：办理业务点“受理”，只想问问点“咨询”，来拿证件点“取件”。",
    "printing": "正在打印您的号票，请稍候。",
    "checkin": "请把微信预约的二维码对准下方的摄像头，或者刷身份证签到。",
    "appointments": "这是您今天的预约，请点要签到的那一个。",
    "appointment": "请核对预约信息，没有问题请点“签到取号”。",
    "forms": "请选择要打印的表格，表格会用您的证件信息自动填好。",
    "form": "请核对表格上的信息，没有问题请点“打印”。",
    "form_printing": "正在打印表格，请稍候。",
    "form_done": "表格打印好了，请在下方出纸口取表。",
    "pickup": "请输入短信里的取件码，或者刷身份证取件。",
    "pickup_opening": "正在打开柜门，请稍候。",
    "pickup_open": "柜门已经打开，请取走您的证件，再把柜门关好。",
    "pickup_done": "取件完成，请带好您的证件。",
    "queries": "请选择要查询的内容：办件进度、社保缴费记录，或者您的预约。",
    "query": "请输入受理回执上的编号和手机号后四位，或者按提示刷卡。",
    "query_result": "这是您的查询结果，仅供查询。需要的话可以点“打印”。",
    "evaluate": "请为我们的服务打个分：从非常满意到非常不满意，点一个就行。不满意的话，请点一下原因，我们会改进。"
                "选好后请点“提交评价”。",
    "evaluated": "谢谢您的评价，祝您办事顺利。",
}

# Said as they appear in every mode, not only in 长辈模式: a document to take from the printer
# or from an open locker door is easy to miss on the screen.
SPOKEN_ALWAYS = ("form_done", "pickup_open")
