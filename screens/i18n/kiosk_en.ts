<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AppointmentScreen</name>
    <message>
        <location filename="../qml/AppointmentScreen.qml" line="21"/>
        <source>找到您的预约</source>
        <translation>We found your appointment</translation>
    </message>
    <message>
        <location filename="../qml/AppointmentScreen.qml" line="50"/>
        <source>预约时间 %1</source>
        <translation>Booked for %1</translation>
    </message>
    <message>
        <location filename="../qml/AppointmentScreen.qml" line="81"/>
        <source>签到并打印号票</source>
        <translation>Check in and print my ticket</translation>
    </message>
    <message>
        <location filename="../qml/AppointmentScreen.qml" line="83"/>
        <source>预约的号在您的时段内优先叫号</source>
        <translation>Appointment tickets are called first during your time slot</translation>
    </message>
    <message>
        <location filename="../qml/AppointmentScreen.qml" line="91"/>
        <source>改为现场取号</source>
        <translation>Take a walk-in number instead</translation>
    </message>
</context>
<context>
    <name>AppointmentsScreen</name>
    <message>
        <location filename="../qml/AppointmentsScreen.qml" line="18"/>
        <source>您今天有这些预约，请点选要签到的一项</source>
        <translation>Your appointments today: tap the one to check in</translation>
    </message>
    <message>
        <location filename="../qml/AppointmentsScreen.qml" line="19"/>
        <source>今天没有查到您的预约</source>
        <translation>We found no appointment for you today</translation>
    </message>
    <message>
        <location filename="../qml/AppointmentsScreen.qml" line="44"/>
        <source>如果预约时登记的是别人的证件，或者约的是别的日子，这里就查不到。您也可以直接现场取号。</source>
        <translation>If the booking used someone else&apos;s ID, or is for another day, it will not show here. You can take a walk-in number right away.</translation>
    </message>
    <message>
        <location filename="../qml/AppointmentsScreen.qml" line="53"/>
        <source>现场取号</source>
        <translation>Take a walk-in number</translation>
    </message>
    <message>
        <location filename="../qml/AppointmentsScreen.qml" line="54"/>
        <source>选择要办的事，打印排队号票</source>
        <translation>Choose your service and get a queue ticket</translation>
    </message>
</context>
<context>
    <name>CardPrompt</name>
    <message>
        <location filename="../qml/CardPrompt.qml" line="49"/>
        <source>请刷身份证或社保卡</source>
        <translation>Place your ID card or insert your social security card</translation>
    </message>
    <message>
        <location filename="../qml/CardPrompt.qml" line="121"/>
        <source>身份证</source>
        <translation>ID card</translation>
    </message>
    <message>
        <location filename="../qml/CardPrompt.qml" line="121"/>
        <source>放在感应区上</source>
        <translation>Lay it on the reader pad</translation>
    </message>
    <message>
        <location filename="../qml/CardPrompt.qml" line="166"/>
        <source>社保卡</source>
        <translation>Social security card</translation>
    </message>
    <message>
        <location filename="../qml/CardPrompt.qml" line="166"/>
        <source>芯片朝上插入卡槽</source>
        <translation>Chip up, into the slot</translation>
    </message>
</context>
<context>
    <name>CategoryScreen</name>
    <message>
        <location filename="../qml/CategoryScreen.qml" line="19"/>
        <source>请选择您要办理的业务类别</source>
        <translation>Please choose what your visit is about</translation>
    </message>
    <message>
        <location filename="../qml/CategoryScreen.qml" line="33"/>
        <source>搜索事项名称</source>
        <translation>Search for a service</translation>
    </message>
    <message>
        <location filename="../qml/CategoryScreen.qml" line="34"/>
        <source>可以输入拼音首字母，例如 sbk 找社保卡</source>
        <translation>Type part of its name, for example &quot;social security&quot;</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/CategoryScreen.qml" line="60"/>
        <source>%n 个事项</source>
        <translation>
            <numerusform>%n service</numerusform>
            <numerusform>%n services</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CheckInScreen</name>
    <message>
        <location filename="../qml/CheckInScreen.qml" line="32"/>
        <source>请扫预约码，或刷身份证、社保卡</source>
        <translation>Scan your appointment code, or use your ID or social security card</translation>
    </message>
    <message>
        <location filename="../qml/CheckInScreen.qml" line="41"/>
        <source>在微信里打开预约记录，把二维码对准下面的方框</source>
        <translation>Open the appointment in WeChat and hold its QR code in the frame below</translation>
    </message>
    <message>
        <location filename="../qml/CheckInScreen.qml" line="126"/>
        <source>正在查找您的预约…</source>
        <translation>Looking up your appointment…</translation>
    </message>
    <message>
        <location filename="../qml/CheckInScreen.qml" line="135"/>
        <source>没有预约？返回首页点「取号」就可以排队。</source>
        <translation>No appointment? Go back and tap &quot;Take a number&quot; to queue.</translation>
    </message>
</context>
<context>
    <name>DeviceRow</name>
    <message>
        <location filename="../qml/DeviceRow.qml" line="17"/>
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../qml/DeviceRow.qml" line="17"/>
        <source>注意</source>
        <translation>Attention</translation>
    </message>
    <message>
        <location filename="../qml/DeviceRow.qml" line="18"/>
        <source>故障</source>
        <translation>Fault</translation>
    </message>
    <message>
        <location filename="../qml/DeviceRow.qml" line="18"/>
        <source>未连接</source>
        <translation>Not connected</translation>
    </message>
    <message>
        <location filename="../qml/DeviceRow.qml" line="68"/>
        <source>测试读卡</source>
        <translation>Test read</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <location filename="../qml/DoneScreen.qml" line="29"/>
        <source>您的号码是</source>
        <translation>Your number is</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="49"/>
        <source>优先</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="50"/>
        <source>预约</source>
        <translation>Appointment</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="51"/>
        <source>补打</source>
        <translation>Reprint</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="82"/>
        <source>您年满%1岁，已为您优先安排</source>
        <translation>As you are %1 or over, you have been given priority</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="93"/>
        <source>已签到。%1 之间优先为您叫号</source>
        <translation>Checked in. You will be called first between %1</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="104"/>
        <source>您已经取过这个事项的号，这是补打的号票</source>
        <translation>You already have a number for this service, so this is a reprint of that ticket</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="127"/>
        <source>请到 %1 等候叫号</source>
        <translation>Please wait at the %1 until your number is called</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="137"/>
        <source>前面还有 %1 人，预计等候约 %2 分钟</source>
        <translation>%1 people ahead of you, about %2 minutes to wait</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="138"/>
        <source>前面没有人在等，请留意叫号</source>
        <translation>Nobody is ahead of you. Please listen for your number</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="156"/>
        <source>请取走您的号票</source>
        <translation>Please take your ticket</translation>
    </message>
    <message>
        <location filename="../qml/DoneScreen.qml" line="166"/>
        <source>点击屏幕返回首页（%1 秒后自动返回）</source>
        <translation>Tap the screen to finish (the kiosk goes back to the start in %1 s)</translation>
    </message>
</context>
<context>
    <name>GreetingStrip</name>
    <message>
        <location filename="../qml/GreetingStrip.qml" line="29"/>
        <source>您好，%1</source>
        <translation>Hello, %1</translation>
    </message>
    <message>
        <location filename="../qml/GreetingStrip.qml" line="46"/>
        <source>优先</source>
        <translation>Priority</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <location filename="../qml/HomeScreen.qml" line="55"/>
        <source>您好，欢迎来办事</source>
        <translation>Hello, welcome</translation>
    </message>
    <message>
        <location filename="../qml/HomeScreen.qml" line="85"/>
        <source>没有带卡也可以直接取号</source>
        <translation>No card with you? You can still take a number</translation>
    </message>
    <message>
        <location filename="../qml/HomeScreen.qml" line="95"/>
        <source>取号</source>
        <translation>Take a number</translation>
    </message>
    <message>
        <location filename="../qml/HomeScreen.qml" line="97"/>
        <source>选择要办的事，打印排队号票</source>
        <translation>Choose your service and get a queue ticket</translation>
    </message>
    <message>
        <location filename="../qml/HomeScreen.qml" line="108"/>
        <source>预约取号</source>
        <translation>Appointment check-in</translation>
    </message>
    <message>
        <location filename="../qml/HomeScreen.qml" line="110"/>
        <source>在微信上预约过的，扫码或刷卡签到</source>
        <translation>Booked on WeChat? Scan the code or use your card</translation>
    </message>
    <message>
        <location filename="../qml/HomeScreen.qml" line="119"/>
        <source>不会操作？请到咨询台，工作人员会帮您。</source>
        <translation>Need help? Our staff at the information desk will gladly help you.</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../qml/IdleOverlay.qml" line="30"/>
        <source>还有 %1 秒返回首页</source>
        <translation>Going back to the start in %1 seconds</translation>
    </message>
    <message>
        <location filename="../qml/IdleOverlay.qml" line="39"/>
        <source>点击屏幕继续</source>
        <translation>Tap the screen to continue</translation>
    </message>
</context>
<context>
    <name>ItemScreen</name>
    <message>
        <location filename="../qml/ItemScreen.qml" line="27"/>
        <source>搜索结果</source>
        <translation>Search results</translation>
    </message>
    <message>
        <location filename="../qml/ItemScreen.qml" line="29"/>
        <source>搜索事项</source>
        <translation>Search for a service</translation>
    </message>
    <message>
        <location filename="../qml/ItemScreen.qml" line="69"/>
        <source>输入事项名称或拼音首字母</source>
        <translation>Type the service name or pinyin initials</translation>
    </message>
    <message>
        <location filename="../qml/ItemScreen.qml" line="82"/>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../qml/ItemScreen.qml" line="166"/>
        <source>没有找到相关事项。请换个词试试，或到咨询台询问。</source>
        <translation>Nothing found. Please try another word, or ask at the information desk.</translation>
    </message>
    <message>
        <location filename="../qml/ItemScreen.qml" line="167"/>
        <source>请在上面输入要办的事，例如“社保卡”或 sbk</source>
        <translation>Type what you need above, for example &quot;social security&quot; or sbk</translation>
    </message>
</context>
<context>
    <name>KindScreen</name>
    <message>
        <location filename="../qml/KindScreen.qml" line="13"/>
        <source>递交材料，办理业务</source>
        <translation>Hand in your documents and apply</translation>
    </message>
    <message>
        <location filename="../qml/KindScreen.qml" line="14"/>
        <source>先问问政策、流程和要带的材料</source>
        <translation>Ask about the rules, the steps or what to bring</translation>
    </message>
    <message>
        <location filename="../qml/KindScreen.qml" line="15"/>
        <source>领取已经办好的证件或材料</source>
        <translation>Collect a document that is ready for you</translation>
    </message>
    <message>
        <location filename="../qml/KindScreen.qml" line="79"/>
        <source>请选择取号类型</source>
        <translation>What kind of ticket do you need?</translation>
    </message>
    <message>
        <location filename="../qml/KindScreen.qml" line="117"/>
        <source>办理时请带上：</source>
        <translation>Please bring:</translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <location filename="../qml/MessageScreen.qml" line="14"/>
        <source>很抱歉，这次没能取到号</source>
        <translation>Sorry, we could not give you a number this time</translation>
    </message>
    <message>
        <location filename="../qml/MessageScreen.qml" line="28"/>
        <source>需要帮助的话，请到咨询台，工作人员会帮您。</source>
        <translation>If you need help, our staff at the information desk will gladly help you.</translation>
    </message>
    <message>
        <location filename="../qml/MessageScreen.qml" line="38"/>
        <source>改为现场取号</source>
        <translation>Take a walk-in number instead</translation>
    </message>
    <message>
        <location filename="../qml/MessageScreen.qml" line="46"/>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
</context>
<context>
    <name>NavBar</name>
    <message>
        <location filename="../qml/NavBar.qml" line="22"/>
        <source>上一步</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../qml/NavBar.qml" line="29"/>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <location filename="../qml/PinScreen.qml" line="27"/>
        <source>维护人员登录</source>
        <translation>Technician sign-in</translation>
    </message>
    <message>
        <location filename="../qml/PinScreen.qml" line="38"/>
        <source>请输入维护密码</source>
        <translation>Enter the technician PIN</translation>
    </message>
    <message>
        <location filename="../qml/PinScreen.qml" line="48"/>
        <source>输错次数太多，请 %1 秒后再试</source>
        <translation>Too many wrong tries. Please wait %1 seconds.</translation>
    </message>
    <message>
        <location filename="../qml/PinScreen.qml" line="48"/>
        <source>密码不对，请再试一次（还可以试 %1 次）</source>
        <translation>That PIN is not right. Please try again (%1 tries left).</translation>
    </message>
    <message>
        <location filename="../qml/PinScreen.qml" line="48"/>
        <source>正在核对…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../qml/PinScreen.qml" line="75"/>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../qml/PinScreen.qml" line="75"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../qml/PinScreen.qml" line="101"/>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
</context>
<context>
    <name>PrintingScreen</name>
    <message>
        <location filename="../qml/PrintingScreen.qml" line="19"/>
        <source>正在打印，请稍候</source>
        <translation>Printing, one moment please</translation>
    </message>
    <message>
        <location filename="../qml/PrintingScreen.qml" line="19"/>
        <source>号票没有打完，请稍候</source>
        <translation>Your ticket did not finish printing. One moment, please</translation>
    </message>
    <message>
        <location filename="../qml/PrintingScreen.qml" line="29"/>
        <source>号票会从下方出票口出来</source>
        <translation>Your ticket comes out of the slot below</translation>
    </message>
    <message>
        <location filename="../qml/PrintingScreen.qml" line="46"/>
        <source>不等了，返回首页</source>
        <translation>Don't wait, back to the start</translation>
    </message>
</context>
<context>
    <name>TechScreen</name>
    <message>
        <location filename="../qml/TechScreen.qml" line="16"/>
        <source>设备状态</source>
        <translation>Device status</translation>
    </message>
    <message>
        <location filename="../qml/TechScreen.qml" line="103"/>
        <source>正在打印测试页…</source>
        <translation>Printing a test page…</translation>
    </message>
    <message>
        <location filename="../qml/TechScreen.qml" line="104"/>
        <source>测试页已打印，请检查出票口</source>
        <translation>Test page printed. Please check the ticket slot.</translation>
    </message>
    <message>
        <location filename="../qml/TechScreen.qml" line="118"/>
        <source>打印测试页</source>
        <translation>Test print</translation>
    </message>
    <message>
        <location filename="../qml/TechScreen.qml" line="134"/>
        <source>退出程序</source>
        <translation>Close the app</translation>
    </message>
    <message>
        <location filename="../qml/TechScreen.qml" line="142"/>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
</context>
</TS>
