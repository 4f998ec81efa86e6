/**
 * The rules that span blocks (each block's own rules are in its folder): the core keys' rules,
 * and what one block's config asks of another block the stack may not have.
 */
import { logRetentionProblem } from "../lib/aws-limits";
import { Problem, nest } from "../lib/problems";
import { extraTagProblems } from "../lib/tags";
import { servicesBlock } from "../components/compute/services/block";
import { monitoringBlock } from "../components/observability/monitoring/block";
import { blueGreenAlbBlock } from "../components/traffic/blue-green-alb/block";
import { ConfigView } from "./block";
import type { CoreConfig } from "./config";

export function crossBlockProblems(core: CoreConfig, view: ConfigView): Problem[] {
    const problems: Problem[] = [...nest(["tags"], extraTagProblems(core.tags))];
    const logs = logRetentionProblem(view.stack.logRetentionDays);
    if (logs) {
        problems.push({ path: ["logs", "retentionDays"], message: logs });
    }
    if (view.config(servicesBlock)?.blueGreen && !view.config(blueGreenAlbBlock)) {
        problems.push({ path: ["blueGreen"], message: "needs platform:alb: blue and green are the ALB's two target groups" });
    }
    if (view.stack.env === "prod" && !view.config(monitoringBlock) && view.config(servicesBlock)) {
        problems.push({ path: ["monitoring"], message: "is required in prod: a prod stack that runs services alarms on them (an alarm topic, alarms, a dashboard)" });
    }
    return problems;
}
