import { expect } from "chai";
import { cronAt, officeHoursCrons, officeHoursProblems } from "../../../../components/compute/services/schedule";
import { formatPath } from "../../../../lib/problems";

const SEOUL_WEEKDAYS = { timezone: "Asia/Seoul", days: "MON-FRI", start: "08:00", stop: "20:00" };
const lines = (hours: typeof SEOUL_WEEKDAYS) => officeHoursProblems(hours).map((p) => `${formatPath(p.path)}: ${p.message}`);

describe("lib/schedule: office hours", () => {
    it("turns times and days into Application Auto Scaling's six-field cron", () => {
        expect(officeHoursCrons(SEOUL_WEEKDAYS)).to.deep.equal({ start: "cron(0 8 ? * MON-FRI *)", stop: "cron(0 20 ? * MON-FRI *)" });
        expect(cronAt("07:30", "MON,WED,FRI")).to.equal("cron(30 7 ? * MON,WED,FRI *)");
        expect(cronAt("00:05", "SUN-SAT")).to.equal("cron(5 0 ? * SUN-SAT *)");
    });

    it("accepts the seed's dev schedule, UTC and day lists", () => {
        expect(lines(SEOUL_WEEKDAYS)).to.deep.equal([]);
        expect(lines({ ...SEOUL_WEEKDAYS, timezone: "UTC", days: "MON-WED,FRI" })).to.deep.equal([]);
    });

    it("refuses an unknown time zone, a bad day list, a bad time, and a stop not after the start", () => {
        expect(lines({ timezone: "Asia/Busan", days: "MON-FRIDAY", start: "8:00", stop: "24:00" })).to.deep.equal([
            'timezone: "Asia/Busan" is not an IANA time zone (expected e.g. Asia/Seoul or UTC)',
            'days: "MON-FRIDAY" is not a list of days; use SUN, MON, TUE, WED, THU, FRI, SAT, ranges and commas, e.g. MON-FRI',
            'start: "8:00" is not a time of day; use HH:MM, 00:00–23:59',
            'stop: "24:00" is not a time of day; use HH:MM, 00:00–23:59',
        ]);
        expect(lines({ ...SEOUL_WEEKDAYS, timezone: "KST" })).to.deep.equal(['timezone: "KST" is not an IANA time zone (expected e.g. Asia/Seoul or UTC)']);
        expect(lines({ ...SEOUL_WEEKDAYS, stop: "08:00" })).to.deep.equal([
            'stop: "08:00" is not after the start ("08:00"); hours run within one day, since a stop past midnight would fall on a day outside "MON-FRI"',
        ]);
        // Overnight hours: Friday's 22:00 start would run the whole weekend.
        expect(lines({ ...SEOUL_WEEKDAYS, start: "22:00", stop: "06:00" })).to.deep.equal([
            'stop: "06:00" is not after the start ("22:00"); hours run within one day, since a stop past midnight would fall on a day outside "MON-FRI"',
        ]);
    });
});
