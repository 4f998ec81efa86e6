import { expect } from "chai";
import { windowProblems } from "../../lib/windows";

const check = (daily: string, weekly: string, minMinutes = 30) =>
    windowProblems({ daily: { path: ["backupWindow"], text: daily, minMinutes }, weekly: { path: ["maintenanceWindow"], text: weekly, minMinutes } }).map(
        (p) => `${p.path.join(".")}: ${p.message}`,
    );

describe("lib/windows", () => {
    it("accepts separate windows, also across midnight and the week's end", () => {
        expect(check("18:00-19:00", "sun:19:00-sun:20:00")).to.deep.equal([]);
        expect(check("23:30-00:30", "mon:01:00-mon:02:00")).to.deep.equal([]);
        expect(check("03:00-04:00", "sun:23:30-mon:00:30")).to.deep.equal([]);
    });

    it("refuses a backup window that overlaps maintenance on any day", () => {
        expect(check("19:30-20:30", "sun:19:00-sun:20:00")).to.deep.equal([
            'backupWindow: "19:30-20:30" overlaps the maintenance window "sun:19:00-sun:20:00"; AWS refuses overlapping windows',
        ]);
        expect(check("23:30-00:30", "sun:23:50-mon:01:00")).to.have.length(1);
    });

    it("refuses malformed and too short windows", () => {
        expect(check("18:00 to 19:00", "sunday 19:00")).to.deep.equal([
            'backupWindow: "18:00 to 19:00" is not a daily window; use hh:mm-hh:mm in UTC, e.g. 18:00-19:00',
            'maintenanceWindow: "sunday 19:00" is not a weekly window; use ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:19:00-sun:20:00',
        ]);
        expect(check("18:00-18:20", "sun:19:00-sun:20:00")).to.deep.equal(['backupWindow: "18:00-18:20" lasts 20 minutes; it must last at least 30']);
        expect(check("18:00-19:00", "sun:19:00-sun:19:30", 60)).to.deep.equal(['maintenanceWindow: "sun:19:00-sun:19:30" lasts 30 minutes; it must last at least 60']);
    });
});
