# Pictures of the event loop (issue 13): the flight recorder's traces drawn as timelines.
.PHONY: timeline timeline-compare

help::
	@echo "make timeline MODEL=select  trace the three-client demo; draw target/timeline/MODEL.svg + .html"
	@echo "make timeline-compare       1 active + 1000 idle on select, poll, epoll: timelines and cost per turn"

timeline: build
	@bash scripts/timeline.sh $(MODEL)

timeline-compare: release
	@bash scripts/timeline-compare.sh
