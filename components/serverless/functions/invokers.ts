/**
 * How a block built before the functions (`platform:functions`) gets to invoke some of them: the
 * WebSocket API is built first — the functions that post to its connections need its id — and its
 * routes need the functions' ARNs. It publishes a `FunctionInvoker` on `FUNCTION_INVOKERS`; the
 * functions block, once its functions exist, calls `wire` with them. No block imports the other's
 * build.
 */
import * as pulumi from "@pulumi/pulumi";
import { Channel } from "../../../stacks/block";

/** What an invoker needs of one function. */
export interface BuiltFunction {
    /** The function's key in `platform:functions`. */
    readonly key: string;
    /** Its physical name. */
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    /** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`: what API Gateway integrations take. */
    readonly invokeArn: pulumi.Output<string>;
    /** Its execution role's name: where a block that configures how it is invoked grants what that needs (a schedule's dead-letter queue). */
    readonly roleName: pulumi.Output<string>;
}

/** Something built before the functions that invokes some of them. */
export interface FunctionInvoker {
    /** The keys of the functions it invokes (the config rules have checked they exist). */
    readonly functions: readonly string[];
    /** Called once, while the stack is built, with every function of the stack. */
    wire(functions: ReadonlyMap<string, BuiltFunction>): void;
}

/** Where an invoker built before the functions waits for them. */
export const FUNCTION_INVOKERS = new Channel<FunctionInvoker>("function-invokers");
