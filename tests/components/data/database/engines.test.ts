import { expect } from "chai";
import {
    ENGINE_FACTS,
    PERFORMANCE_INSIGHTS_RETENTION,
    auroraInstanceAzs,
    engineVersionProblem,
    instanceAzsProblems,
    instanceClassProblem,
    majorVersion,
    performanceInsightsSupported,
    readerPlacementProblem,
} from "../../../../components/data/database/engines";

describe("lib/database", () => {
    it("knows each engine's port, parameter family and logs", () => {
        expect(ENGINE_FACTS.postgres.port).to.equal(5432);
        expect(ENGINE_FACTS["aurora-mysql"].port).to.equal(3306);
        expect(ENGINE_FACTS.postgres.family("18.1")).to.equal("postgres18");
        expect(ENGINE_FACTS["aurora-postgresql"].family("18.4")).to.equal("aurora-postgresql18");
        expect(ENGINE_FACTS.mysql.family("8.4.5")).to.equal("mysql8.4");
        expect(ENGINE_FACTS["aurora-mysql"].family("8.0.mysql_aurora.3.08.2")).to.equal("aurora-mysql8.0");
        expect(ENGINE_FACTS.postgres.logExports).to.deep.equal(["postgresql", "upgrade"]);
        expect(ENGINE_FACTS.postgres.tlsOnly).to.deep.equal({ "rds.force_ssl": "1" });
    });

    it("accepts the versions the stacks use and refuses ones AWS does not offer", () => {
        expect(engineVersionProblem("postgres", "18.1")).to.equal(undefined);
        expect(engineVersionProblem("aurora-postgresql", "18.4")).to.equal(undefined);
        expect(engineVersionProblem("aurora-mysql", "8.0.mysql_aurora.3.08.2")).to.equal(undefined);
        expect(engineVersionProblem("postgres", "9.6.24")).to.equal('"9.6.24" is not a postgres version AWS offers; use major 13, 14, 15, 16, 17, 18, alone or with a minor version, e.g. 18.1');
        expect(engineVersionProblem("aurora-postgresql", "18")).to.equal(undefined);
        expect(engineVersionProblem("aurora-mysql", "8.0.36")).to.match(/^"8\.0\.36" is not a aurora-mysql version AWS offers/);
        expect(majorVersion("postgres", "18.1")).to.equal(majorVersion("aurora-postgresql", "18.4"));
    });

    it("refuses the classes Aurora does not offer (an input, never invented)", () => {
        expect(instanceClassProblem("aurora", "db.t4g.micro")).to.equal(
            '"db.t4g.micro" is not offered by Aurora; the smallest burstable Aurora classes are db.t4g.medium and db.t3.medium (or db.serverless)',
        );
        expect(instanceClassProblem("aurora", "db.t3.small")).to.match(/^"db\.t3\.small" is not offered by Aurora/);
        expect(instanceClassProblem("aurora", "db.m5.large")).to.match(/^"db\.m5\.large" is not an Aurora class/);
        expect(instanceClassProblem("aurora", "db.t4g.medium")).to.equal(undefined);
        expect(instanceClassProblem("aurora", "db.r7g.large")).to.equal(undefined);
        expect(instanceClassProblem("aurora", "db.serverless")).to.equal(undefined);
        expect(instanceClassProblem("instance", "db.t4g.micro")).to.equal(undefined);
        expect(instanceClassProblem("instance", "db.serverless")).to.match(/is not a DB instance class/);
    });

    it("tells where Performance Insights runs, and its retentions", () => {
        expect(performanceInsightsSupported("postgres", "db.t4g.micro")).to.equal(false);
        expect(performanceInsightsSupported("postgres", "db.t3.small")).to.equal(false);
        expect(performanceInsightsSupported("aurora-postgresql", "db.t4g.medium")).to.equal(true);
        expect(performanceInsightsSupported("aurora-postgresql", "db.r7g.large")).to.equal(true);
        // Aurora MySQL runs it on no db.t2/db.t3 class at all.
        expect(performanceInsightsSupported("aurora-mysql", "db.t3.medium")).to.equal(false);
        expect(performanceInsightsSupported("aurora-mysql", "db.t4g.medium")).to.equal(true);
        expect(PERFORMANCE_INSIGHTS_RETENTION.slice(0, 3)).to.deep.equal([7, 31, 62]);
        expect(PERFORMANCE_INSIGHTS_RETENTION.at(-1)).to.equal(731);
    });

    it("puts the writer and each reader in a distinct AZ, and says when there are not enough", () => {
        expect(auroraInstanceAzs(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"], 2)).to.deep.equal(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
        expect(auroraInstanceAzs(["ap-northeast-2a", "ap-northeast-2c"], 1)).to.deep.equal(["ap-northeast-2a", "ap-northeast-2c"]);
        expect(readerPlacementProblem(["ap-northeast-2a", "ap-northeast-2c"], 2)?.message).to.equal(
            '2 readers and a writer need 3 distinct AZs to sit apart; the data tier has 2 ("ap-northeast-2a", "ap-northeast-2c")',
        );
        expect(readerPlacementProblem(["ap-northeast-2a", "ap-northeast-2c"], 1)).to.equal(undefined);
    });

    it("takes the configured AZs, writer first, and says what is wrong with them", () => {
        const tier = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"];
        expect(auroraInstanceAzs(tier, 1, ["ap-northeast-2a", "ap-northeast-2c"])).to.deep.equal(["ap-northeast-2a", "ap-northeast-2c"]);
        expect(auroraInstanceAzs(tier, 1)).to.deep.equal(["ap-northeast-2a", "ap-northeast-2b"]);
        expect(instanceAzsProblems(tier, 1, ["ap-northeast-2c", "ap-northeast-2a"])).to.deep.equal([]);
        expect(instanceAzsProblems(tier, 1, ["ap-northeast-2a", "ap-northeast-2a", "ap-northeast-2d"]).map((p) => p.message)).to.deep.equal([
            '["ap-northeast-2a","ap-northeast-2a","ap-northeast-2d"] names 3 AZ(s); the writer and 1 reader(s) need 2: the writer\'s AZ first, then one per reader',
            '["ap-northeast-2a","ap-northeast-2a","ap-northeast-2d"] names "ap-northeast-2a" more than once; the writer and each reader sit in AZs of their own, so losing one AZ never takes them all',
            '["ap-northeast-2a","ap-northeast-2a","ap-northeast-2d"] names "ap-northeast-2d", not an AZ of the data tier ("ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c")',
        ]);
    });
});
